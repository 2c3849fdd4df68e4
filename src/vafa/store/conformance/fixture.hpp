// The behaviour every Store backend must have, written once: each file of this folder holds the
// TEST_Ps of one group of aggregates, and backends.cpp instantiates them all per backend with a
// factory that opens a fresh, empty store. check_coverage.cmake fails the build's tests when an
// operation of the Store's interfaces is called by none of them.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "vafa/store/store.hpp"

namespace vafa::conformance {

using namespace std::chrono;
using StoreFactory = std::function<std::unique_ptr<Store>(const std::filesystem::path& dir)>;

struct Backend {
  std::string name;
  StoreFactory open;
};

inline Timestamp day(int y, unsigned m, unsigned d) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}
inline Currency usd() { return Currency::parse("USD").value(); }

inline Order make_order(std::string id, std::string customer, Timestamp at,
                        std::vector<OrderLine> lines) {
  Order order{.id = std::move(id), .customer_id = std::move(customer), .currency = usd()};
  order.channel = Channel::web;
  order.placed_at = at;
  order.lines = std::move(lines);
  return order;
}

inline OrderLine line(std::string sku, std::int64_t qty, std::int64_t unit) {
  return OrderLine{.product_sku = std::move(sku),
                   .quantity = qty,
                   .unit_price_minor = unit,
                   .amount_minor = qty * unit};
}

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::int64_t new_run() {
    return store_->start_import("orders", "test.csv", day(2024, 1, 1)).value();
  }

  // Another connection to the same store (another thread's, another process's).
  std::unique_ptr<Store> open_again() { return GetParam().open(dir_); }
  // Creates customer `id` and returns its row id.
  std::int64_t add_customer(const std::string& id, std::optional<Date> birthday = std::nullopt) {
    Customer c{.id = id, .created_at = day(2024, 1, 1), .name = "Customer " + id};
    c.birthday = birthday;
    EXPECT_TRUE(store_->upsert_customer(c));
    return store_->customer_row(id).value().value();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace vafa::conformance
