// A real store in a temporary file, a loyalty club, and helpers to build orders, for the tests
// of the application layer's workflows.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "vafa/app/context.hpp"
#include "vafa/loyalty/config.hpp"
#include "vafa/store/testing.hpp"

namespace vafa::app::testing_support {

inline constexpr std::int64_t kDay = 86'400;

inline std::int64_t at(int y, unsigned m, unsigned d) {
  return unix_seconds(std::chrono::sys_days{std::chrono::year{y} / m / d});
}

// One point per dollar, bonuses for signup, a first order, reviews and birthdays, a referral
// programme, no pending period unless the test sets one.
inline constexpr std::string_view kClub = R"([loyalty]
currency = "USD"
points_per_unit = 1
pending_days = 0

[loyalty.bonus]
signup = 100
first_order = 50
review = 20
birthday = 30

[loyalty.referral]
referrer = 500
referee = 200
minimum_order = "25.00"
)";

class AppFixture : public ::testing::Test {
 protected:
  void SetUp() override { open(kClub); }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open(std::string_view toml) {
    store_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = open_store(test_store_location(dir_, "s"));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    auto config = loyalty::parse_config(toml, "vafa.toml");
    ASSERT_TRUE(config.has_value()) << config.error().message;
    club_ = std::make_unique<loyalty::Club>(std::move(*config));
    auto run = store_->start_import("api", "test", from_unix_seconds(now_));
    ASSERT_TRUE(run.has_value()) << run.error().message;
    run_ = *run;
  }
  Context context() const {
    return Context{.store = *store_, .club = *club_, .now = now_, .import_run = run_};
  }
  void add_customer(const std::string& id) {
    ASSERT_TRUE(store_->upsert_customer(Customer{.id = id, .created_at = from_unix_seconds(now_)})
                    .has_value());
  }
  static Order order_of(std::string id, std::string customer,
                        std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> lines,
                        std::int64_t placed) {
    Order order{.id = std::move(id),
                .customer_id = std::move(customer),
                .currency = *Currency::parse("USD")};
    order.placed_at = from_unix_seconds(placed);
    for (auto& [sku, quantity, amount] : lines) {
      order.lines.push_back(
          OrderLine{.product_sku = sku, .quantity = quantity, .amount_minor = amount});
    }
    return order;
  }
  PointsBalance balance(const std::string& id) {
    return store_->points_balance(*store_->customer_row(id).value()).value();
  }
  void expect_sound_ledger() {
    const LedgerCheck check = store_->check_points().value();
    EXPECT_TRUE(check.sound()) << check.problems();
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                               ("vafa-app-" + std::to_string(::getpid()) + "-" +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::unique_ptr<Store> store_;
  std::unique_ptr<loyalty::Club> club_;
  std::int64_t now_ = at(2026, 6, 1);
  std::int64_t run_ = 0;
};

}  // namespace vafa::app::testing_support
