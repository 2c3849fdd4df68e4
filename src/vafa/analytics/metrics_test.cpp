// Metrics and cohorts on a small hand-made shop, every figure worked out by hand; periods in
// both calendars.
#include "vafa/analytics/metrics.hpp"

#include <filesystem>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vafa/store/testing.hpp"

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
    store_ = open_test_store(dir_, "m");
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

TEST_F(MetricsTest, AcquisitionCacClvAndPaybackByHand) {
  auto spend = [&](std::int64_t t, std::string channel, std::string campaign, std::int64_t minor,
                   std::string currency = "USD") {
    ASSERT_TRUE(store_
                    ->put_spend(SpendRecord{.day = t - 12 * 3600,
                                            .channel = std::move(channel),
                                            .campaign = std::move(campaign),
                                            .currency = std::move(currency),
                                            .amount_minor = minor},
                                run_)
                    .has_value());
  };
  spend(at(2025, 1, 2), "web", "winter", 3'000);
  spend(at(2025, 1, 15), "web", "search", 2'000);
  spend(at(2025, 1, 15), "web", "search", 9'999, "EUR");  // another currency: left out
  spend(at(2025, 2, 10), "app", "launch", 10'000);
  spend(at(2025, 2, 11), "web", "search", 1'000);  // no new web customer in February
  // A CLV run with its calibration end on 1 February: A is predicted 60.00 more, B 10.00; C
  // came later and has no prediction.
  const ClvRun run{.model = "bgnbd",
                   .params_json = "{}",
                   .calibration_end = at(2025, 2, 1) - 12 * 3600,
                   .unit = "day",
                   .horizon = 180,
                   .currency = "USD"};
  const auto row_of = [&](std::string_view id) { return store_->customer_row(id)->value(); };
  ASSERT_TRUE(store_->put_clv_predictions(
      run, {ClvPrediction{.customer = row_of("A"), .clv_minor = 6'000},
            ClvPrediction{.customer = row_of("B"), .clv_minor = 1'000}}));

  const auto report = compute_acquisition(*store_, MetricsQuery{.currency = "USD"}, 0.25);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->spend_rows_skipped, 1);
  ASSERT_EQ(report->rows.size(), 5U);  // Jan web, Jan all, Feb web, Feb app, Feb all

  const AcquisitionRow& jan = report->rows[0];
  EXPECT_EQ(jan.period.label, "2025-01");
  EXPECT_EQ(jan.channel, "web");
  EXPECT_EQ(jan.spend_minor, 5'000);
  EXPECT_EQ(jan.new_customers, 2);  // A and B
  EXPECT_EQ(jan.cac_minor, 2'500);
  // Net revenue per month since: 180.00, 20.00, 30.00 (40.00 - a 10.00 refund); a quarter of it
  // per customer: 22.50, 25.00, 28.75. CAC (25.00) is reached in the second month.
  EXPECT_DOUBLE_EQ(*jan.value_to_date_minor, 2'875);
  EXPECT_EQ(jan.payback_periods, 2);
  // CLV: A 150.00 before February + 60.00, B 30.00 + 10.00 -> (210 + 40) / 2 * 0.25 = 31.25.
  EXPECT_DOUBLE_EQ(*jan.clv_minor, 3'125);
  EXPECT_EQ(jan.clv_customers, 2);
  EXPECT_DOUBLE_EQ(*jan.clv_to_cac, 1.25);
  EXPECT_EQ(report->rows[1].channel, "all");
  EXPECT_EQ(report->rows[1].cac_minor, 2'500);

  const AcquisitionRow& app = report->rows[3];
  EXPECT_EQ(app.channel, "app");
  EXPECT_EQ(app.cac_minor, 10'000);
  EXPECT_DOUBLE_EQ(*app.value_to_date_minor, 7'500);
  EXPECT_FALSE(app.payback_periods.has_value());  // not yet
  EXPECT_FALSE(app.clv_minor.has_value());
  const AcquisitionRow& web = report->rows[2];
  EXPECT_EQ(web.spend_minor, 1'000);
  EXPECT_EQ(web.new_customers, 0);
  EXPECT_FALSE(web.cac_minor.has_value());
  const AcquisitionRow& all = report->rows[4];
  EXPECT_EQ(all.spend_minor, 11'000);
  EXPECT_EQ(all.cac_minor, 11'000);  // blended: all February spend over C

  const auto app_only =
      compute_acquisition(*store_, MetricsQuery{.currency = "USD", .channel = "app"});
  ASSERT_TRUE(app_only.has_value());
  ASSERT_EQ(app_only->rows.size(), 1U);
  EXPECT_EQ(app_only->rows[0].payback_periods, 1);  // on revenue, 300.00 >= 100.00 at once

  EXPECT_FALSE(
      compute_acquisition(*store_, MetricsQuery{.unit = PeriodUnit::day, .currency = "USD"}));
  EXPECT_FALSE(compute_acquisition(*store_, MetricsQuery{.currency = "USD", .segment = 1}));
  EXPECT_FALSE(compute_acquisition(*store_, MetricsQuery{.currency = "USD"}, 1.5));
}

TEST(Pyramid, FlowSummaryByHand) {
  // Rows: from none, lurker, liker, lover; columns: to the same.
  const std::array<std::array<std::int64_t, 4>, 4> flows = {{{100, 5, 3, 1},   // 9 joined
                                                             {4, 20, 6, 2},    // 4 left, 8 up
                                                             {2, 7, 30, 9},    // 7 down, 9 up
                                                             {1, 0, 3, 40}}};  // 3 down
  const FlowSummary s = summarise(flows);
  EXPECT_EQ(s.joined, 9);
  EXPECT_EQ(s.left, 4 + 2 + 1);
  EXPECT_EQ(s.up, 8 + 9);
  EXPECT_EQ(s.down, 7 + 3);
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
