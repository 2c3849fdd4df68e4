// Metrics and cohorts on a small hand-made shop, every figure worked out by hand; periods in
// both calendars.
#include "vafa/analytics/metrics.hpp"

#include <filesystem>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vafa::analytics {
namespace {

std::int64_t at(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(std::chrono::year{y} / m / d).time_since_epoch().count() * 86'400 +
         12 * 3'600;
}

class MetricsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-metrics-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store_ = std::move(*open_store((dir_ / "m.db").string()));
    run_ = *store_->start_import("orders", "hand", Timestamp{});
    // January: A (2 orders: 100 + 50), B (1 order: 30). February: A (20), C (new, 300, via app).
    // March: B (40), refund of 10 for A. NPS: A 10 in Jan, B 5 in Jan, C 8 in Feb.
    order("A", at(2025, 1, 3), 10'000);
    order("A", at(2025, 1, 20), 5'000);
    order("B", at(2025, 1, 25), 3'000);
    order("A", at(2025, 2, 2), 2'000);
    order("C", at(2025, 2, 14), 30'000, Channel::app);
    order("B", at(2025, 3, 1), 4'000);
    order("A", at(2025, 3, 5), -1'000, Channel::web, OrderStatus::returned);
    nps("A", at(2025, 1, 10), 10);
    nps("B", at(2025, 1, 28), 5);
    nps("C", at(2025, 2, 20), 8);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void order(const std::string& customer, std::int64_t t, std::int64_t total,
             Channel channel = Channel::web, OrderStatus status = OrderStatus::placed) {
    ASSERT_TRUE(store_
                    ->put_order(Order{.id = "O" + std::to_string(++n_),
                                      .customer_id = customer,
                                      .channel = channel,
                                      .placed_at = Timestamp{std::chrono::seconds{t}},
                                      .currency = *Currency::parse("USD"),
                                      .status = status,
                                      .lines = {OrderLine{.amount_minor = total}}},
                                run_)
                    .has_value());
  }
  void nps(const std::string& customer, std::int64_t t, int score) {
    ASSERT_TRUE(
        store_
            ->put_event(Event{.id = "E" + std::to_string(++n_),
                              .customer_id = customer,
                              .type = "nps",
                              .channel = Channel::email,
                              .occurred_at = Timestamp{std::chrono::seconds{t}},
                              .properties_json = "{\"score\":" + std::to_string(score) + "}"})
            .has_value());
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t run_ = 0;
  int n_ = 0;
};

TEST_F(MetricsTest, MonthlyFiguresByHand) {
  const auto report = compute_metrics(*store_, MetricsQuery{.currency = "USD"});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  ASSERT_EQ(report->periods.size(), 3U);
  const PeriodMetrics& jan = report->periods[0];
  EXPECT_EQ(jan.period.label, "2025-01");
  EXPECT_EQ(jan.active, 2);
  EXPECT_EQ(jan.new_customers, 2);
  EXPECT_EQ(jan.returning, 0);
  EXPECT_FALSE(jan.retention.has_value());  // nobody before January
  EXPECT_DOUBLE_EQ(*jan.repeat_rate, 0.5);  // A bought twice
  EXPECT_EQ(jan.orders, 3);
  EXPECT_EQ(jan.revenue_minor, 18'000);
  EXPECT_EQ(jan.aov_minor, 6'000);
  EXPECT_DOUBLE_EQ(*jan.top1_share, 15'000.0 / 18'000.0);  // ceil(1% of 2) = 1 customer: A
  EXPECT_EQ(jan.nps_answers, 2);
  EXPECT_DOUBLE_EQ(*jan.nps, 0.0);  // one promoter, one detractor

  const PeriodMetrics& feb = report->periods[1];
  EXPECT_EQ(feb.active, 2);  // A and C
  EXPECT_EQ(feb.new_customers, 1);
  EXPECT_EQ(feb.returning, 1);
  EXPECT_EQ(feb.start_customers, 2);  // A and B were active in January
  EXPECT_EQ(feb.retained, 1);         // A
  EXPECT_DOUBLE_EQ(*feb.retention, 0.5);
  EXPECT_DOUBLE_EQ(*feb.churn, 0.5);
  EXPECT_EQ(feb.revenue_minor, 32'000);
  EXPECT_DOUBLE_EQ(*feb.nps, 0.0);  // one passive

  const PeriodMetrics& mar = report->periods[2];
  EXPECT_EQ(mar.active, 1);  // B is back; A only refunded
  EXPECT_EQ(mar.start_customers, 2);
  EXPECT_EQ(mar.retained, 0);
  EXPECT_EQ(mar.revenue_minor, 4'000);
  EXPECT_EQ(mar.refunds_minor, 1'000);
  EXPECT_EQ(mar.net_revenue_minor, 3'000);
  EXPECT_FALSE(mar.nps.has_value());
  EXPECT_EQ(report->customers, 3);
}

TEST_F(MetricsTest, ChannelAndRangeFilters) {
  const auto app = compute_metrics(*store_, MetricsQuery{.currency = "USD", .channel = "app"});
  ASSERT_TRUE(app.has_value());
  EXPECT_EQ(app->periods[1].active, 1);
  EXPECT_EQ(app->periods[1].new_customers, 1);  // C's first order was through the app
  EXPECT_EQ(app->periods[0].active, 0);
  const auto late = compute_metrics(
      *store_,
      MetricsQuery{.from = at(2025, 2, 1), .to = at(2025, 3, 1) - 12 * 3600, .currency = "USD"});
  ASSERT_TRUE(late.has_value());
  ASSERT_EQ(late->periods.size(), 1U);
  EXPECT_EQ(late->periods[0].start_customers, 2);  // January still counts as the period before
}

TEST_F(MetricsTest, CohortsByHand) {
  const auto cohorts = compute_cohorts(*store_, MetricsQuery{.currency = "USD"});
  ASSERT_TRUE(cohorts.has_value());
  ASSERT_EQ(cohorts->size(), 3U);
  const CohortRow& jan = (*cohorts)[0];  // A and B
  EXPECT_EQ(jan.customers, 2);
  EXPECT_THAT(jan.retention, testing::ElementsAre(1.0, 0.5, 0.5));
  EXPECT_THAT(jan.revenue_per_customer, testing::ElementsAre(9'000, 1'000, 2'000));
  EXPECT_THAT(jan.cumulative_per_customer, testing::ElementsAre(9'000, 10'000, 12'000));
  const CohortRow& feb = (*cohorts)[1];  // C
  EXPECT_EQ(feb.customers, 1);
  EXPECT_THAT(feb.retention, testing::ElementsAre(1.0, 0.0));
}

TEST(Periods, GregorianAndPersianBoundaries) {
  // Nowruz 1404 fell on 2025-03-21 (Tehran time, UTC+3:30).
  const auto persian = periods(PeriodUnit::month, CalendarKind::persian, "Asia/Tehran",
                               at(2025, 3, 10), at(2025, 4, 25));
  ASSERT_TRUE(persian.has_value());
  ASSERT_EQ(persian->size(), 3U);
  EXPECT_EQ((*persian)[0].label, "1403-12");
  EXPECT_EQ((*persian)[1].label, "1404-01");
  EXPECT_EQ((*persian)[1].start, at(2025, 3, 21) - 12 * 3600 - 3 * 3600 - 1800);
  const auto weeks =
      periods(PeriodUnit::week, CalendarKind::gregorian, "UTC", at(2025, 1, 1), at(2025, 1, 8));
  ASSERT_TRUE(weeks.has_value());
  EXPECT_EQ(weeks->front().label, "2024-12-30");  // the Monday of that week
  const auto quarters =
      periods(PeriodUnit::quarter, CalendarKind::gregorian, "UTC", at(2025, 5, 5), at(2025, 8, 1));
  EXPECT_EQ(quarters->front().label, "2025-Q2");
  EXPECT_EQ(quarters->back().label, "2025-Q3");
  EXPECT_FALSE(periods(PeriodUnit::day, CalendarKind::gregorian, "Nowhere/City", 0, 10));
  EXPECT_FALSE(periods(PeriodUnit::day, CalendarKind::gregorian, "UTC", 0, 1'000'000'000, 100));
}

}  // namespace
}  // namespace vafa::analytics
