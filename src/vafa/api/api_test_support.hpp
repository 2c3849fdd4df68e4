// A real store in a temporary directory with admin, writer and reader keys, a Service on a
// manual clock, and a Writer: requests go through the same two steps as in the server.
#pragma once

#include <filesystem>
#include <future>

#include <unistd.h>

#include <gtest/gtest.h>

#include "vafa/api/service.hpp"
#include "vafa/api/writer.hpp"
#include "vafa/store/testing.hpp"

namespace vafa::api::testing_support {

inline Timestamp at(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*open_store(path()));
    admin_ = create_key(*store_, "admin", Role::admin, 1).value().key;
    writer_key_ = create_key(*store_, "shop", Role::writer, 1).value().key;
    reader_ = create_key(*store_, "reports", Role::reader, 1).value().key;
    run_ = store_->start_import("api", "http", clock_.now()).value();
    service_ = std::make_unique<Service>(ServiceOptions{.calling_code = "374", .import_run = run_},
                                         clock_);
    writer_ = std::make_unique<Writer>(std::move(*open_store(path())));
  }
  void TearDown() override {
    writer_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // The store's location (the test store factory's: any backend).
  std::string path() const { return test_store_location(dir_, "api"); }
  // The SQLite file behind path(), for the tests that damage the store on purpose.
  std::string sqlite_file() const { return (dir_ / "api.db").string(); }

  // Turns the loyalty club on with these vafa.toml settings.
  void use_club(std::string_view toml) {
    auto config = loyalty::parse_config(toml, "vafa.toml");
    ASSERT_TRUE(config.has_value()) << config.error().message;
    service_ = std::make_unique<Service>(
        ServiceOptions{.calling_code = "374",
                       .import_run = run_,
                       .club = std::make_shared<const loyalty::Club>(std::move(*config))},
        clock_);
  }

  // One request, as the server runs it: first step here, a write through the writer.
  Reply call(std::string method, std::string target, std::string body = {},
             std::string key = "writer", std::string idempotency_key = {}) {
    const std::string& secret = key == "writer"   ? writer_key_
                                : key == "reader" ? reader_
                                : key == "admin"  ? admin_
                                                  : key;
    Request request{.method = std::move(method),
                    .target = std::move(target),
                    .authorization = secret.empty() ? "" : "Bearer " + secret,
                    .idempotency_key = std::move(idempotency_key),
                    .content_type = body.empty() ? "" : "application/json",
                    .body = std::move(body)};
    return run(service_->handle(*store_, request));
  }
  // The rest of a first step, as the server runs it: a slow read on the store, a password
  // check, a write through the writer.
  Reply run(Step step) {
    if (PasswordCheck* check = std::get_if<PasswordCheck>(&step)) {
      std::variant<Reply, WriteJob> then = run_password_check(*check);
      if (Reply* reply = std::get_if<Reply>(&then)) return std::move(*reply);
      step = std::move(std::get<WriteJob>(then));
    }
    if (Reply* reply = std::get_if<Reply>(&step)) return std::move(*reply);
    if (SlowRead* read = std::get_if<SlowRead>(&step)) return run_slow_read(*read, *store_);
    std::promise<Reply> answer;
    writer_->submit(std::move(std::get<WriteJob>(step)),
                    [&answer](Reply reply) { answer.set_value(std::move(reply)); });
    return answer.get_future().get();
  }

  static Json body_of(const Reply& reply) { return Json::parse(reply.body); }
  // The points ledger's invariants hold (vafa loyalty check).
  void expect_sound() { EXPECT_EQ(store_->check_points().value().problems(), ""); }
  // GET .../points of a customer (200 expected).
  Json points(const std::string& customer) {
    const Reply r = call("GET", "/api/v1/customers/" + customer + "/points", {}, "reader");
    EXPECT_EQ(r.status, 200) << r.body;
    return body_of(r);
  }
  static std::string header(const Reply& reply, std::string_view name) {
    for (const auto& [n, v] : reply.headers) {
      if (n == name) return v;
    }
    return {};
  }

  std::filesystem::path dir_;
  ManualClock clock_{at(2026, 3, 1)};
  std::unique_ptr<Store> store_;
  std::string admin_, writer_key_, reader_;
  std::int64_t run_ = 0;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Writer> writer_;
};

}  // namespace vafa::api::testing_support
