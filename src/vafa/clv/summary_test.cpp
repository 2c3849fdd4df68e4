#include "vafa/clv/summary.hpp"

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "vafa/clv/validate.hpp"

namespace vafa::clv {
namespace {

std::int64_t unix_seconds(int yyyymmdd) {
  using namespace std::chrono;
  const year_month_day date{year{yyyymmdd / 10000},
                            month{static_cast<unsigned>(yyyymmdd / 100 % 100)},
                            day{static_cast<unsigned>(yyyymmdd % 100)}};
  return sys_seconds(sys_days(date)).time_since_epoch().count();
}

std::vector<Purchase> cdnow_sample() {
  std::ifstream sample(std::string(VAFA_SOURCE_DIR) + "/data/cdnow/CDNOW_sample.txt");
  std::vector<Purchase> purchases;
  std::int64_t master = 0, id = 0, cds = 0;
  int date = 0;
  double dollars = 0;
  while (sample >> master >> id >> date >> cds >> dollars) {
    purchases.push_back({id, unix_seconds(date), std::llround(dollars * 100)});
  }
  return purchases;
}

Result<Summary> cdnow_summary() {
  return summarize(cdnow_sample(), {.unit = TimeUnit::week,
                                    .calibration_end = unix_seconds(19970930),
                                    .holdout_end = unix_seconds(19980630)});
}

TEST(Summary, CdnowSampleMatchesThePublishedSummary) {
  ASSERT_EQ(cdnow_sample().size(), 6919u);
  auto summary = cdnow_summary();
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(summary->customer.size(), 2357u);
  EXPECT_NEAR(summary->holdout_length, 39.0, 1e-9);

  std::ifstream published(std::string(VAFA_SOURCE_DIR) +
                          "/data/cdnow/cdnow_customers_summary_with_transactions.csv");
  std::string line;
  std::getline(published, line);
  std::size_t row = 0, repeaters = 0;
  while (std::getline(published, line)) {
    std::stringstream fields(line);
    std::string f[5];
    for (auto& field : f) std::getline(fields, field, ',');
    ASSERT_LT(row, summary->customer.size());
    EXPECT_EQ(summary->customer[row], std::stoll(f[0]));
    EXPECT_EQ(summary->rfm.x[row], std::stod(f[1])) << "ID " << f[0];
    EXPECT_NEAR(summary->rfm.t_x[row], std::stod(f[2]), 0.005 + 1e-9) << "ID " << f[0];
    EXPECT_NEAR(summary->rfm.T[row], std::stod(f[3]), 0.005 + 1e-9) << "ID " << f[0];
    if (summary->rfm.x[row] > 0) {
      ++repeaters;
      EXPECT_NEAR(summary->monetary[row] / 100, std::stod(f[4]), 0.005 + 1e-9) << "ID " << f[0];
    }
    ++row;
  }
  EXPECT_EQ(row, 2357u);
  EXPECT_EQ(repeaters, 946u);
}

TEST(Summary, SameDayPurchasesCountOnceAndHoldoutIsCountedApart) {
  const std::int64_t day = 86400, start = unix_seconds(20240101);
  const std::vector<Purchase> purchases = {
      {7, start + 10, 1000},       {7, start + 3600, 500},          // one purchase of 15.00
      {7, start + 7 * day, 2000},  {7, start + 7 * day + 5, 1000},  // repeat: 30.00
      {7, start + 14 * day, 4000},                                  // repeat: 40.00
      {7, start + 30 * day, 100},  {7, start + 30 * day + 9, 100},  // holdout: one
      {7, start + 31 * day, 100},                                   // holdout: two
      {8, start + 22 * day, 900},                                   // after calibration
      {9, start + 2 * day, 900}};
  auto s = summarize(purchases, {.unit = TimeUnit::day,
                                 .calibration_end = start + 20 * day,
                                 .holdout_end = start + 40 * day});
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->customer.size(), 2u);  // 8 was not a customer by the calibration end
  EXPECT_EQ(s->customer[0], 7);
  EXPECT_EQ(s->rfm.x[0], 2);
  EXPECT_EQ(s->rfm.t_x[0], 14);
  EXPECT_EQ(s->rfm.T[0], 20);
  EXPECT_DOUBLE_EQ(s->monetary[0], 3500);
  EXPECT_EQ(s->holdout_purchases[0], 2);
  EXPECT_EQ(s->rfm.x[1], 0);
  EXPECT_EQ(s->rfm.T[1], 18);
  EXPECT_DOUBLE_EQ(s->holdout_length, 20);
  // Holdout days 10 and 11 (the 30th and 31st since the start): units 9 and 10.
  ASSERT_EQ(s->holdout_by_unit.size(), 20u);
  EXPECT_EQ(s->holdout_by_unit[9], 1);
  EXPECT_EQ(s->holdout_by_unit[10], 1);

  // Whole weeks: the purchases of days 0 and 6 are one.
  const std::vector<Purchase> weekly = {
      {1, start, 100}, {1, start + 6 * day, 100}, {1, start + 8 * day, 100}};
  auto w = summarize(
      weekly, {.unit = TimeUnit::week, .merge = Merge::unit, .calibration_end = start + 21 * day});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->rfm.x[0], 1);
  EXPECT_EQ(w->rfm.t_x[0], 1);
  EXPECT_EQ(w->rfm.T[0], 3);

  EXPECT_FALSE(
      summarize(purchases, {.calibration_end = start + 20 * day, .holdout_end = start + 10 * day}));
  EXPECT_FALSE(parse_time_unit("fortnight"));
}

TEST(Validate, CdnowHoldoutComparesEveryModel) {
  auto summary = cdnow_summary();
  ASSERT_TRUE(summary);
  double held = 0;
  for (double h : summary->holdout_purchases) held += h;
  double by_unit = 0;
  for (double h : summary->holdout_by_unit) by_unit += h;
  EXPECT_EQ(by_unit, held);
  auto v = validate_models({summary->rfm, summary->holdout_purchases, summary->holdout_by_unit,
                            summary->holdout_length});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->actual_total, held);
  ASSERT_EQ(v->points.size(), 39u);
  EXPECT_EQ(v->actual_cumulative.back(), held);
  ASSERT_EQ(v->models.size(), 3u);
  for (const ModelValidation& m : v->models) {
    ASSERT_TRUE(m.fit) << m.error;
    EXPECT_TRUE(m.fit->converged);
    // All three expect 1,580-1,670 of the 1,882 purchases (same-day merged) the 2,357 made in
    // the 39 holdout weeks: CDNOW's holdout is a little busier than its calibration suggests.
    EXPECT_NEAR(m.predicted_total, held, 0.18 * held) << to_string(m.model);
    EXPECT_DOUBLE_EQ(m.cumulative.back(), m.predicted_total);
    EXPECT_TRUE(std::is_sorted(m.cumulative.begin(), m.cumulative.end()));
    EXPECT_GT(m.mae, 0);
    EXPECT_GE(m.rmse, m.mae);
    // Customers who bought more in calibration are expected to buy more in the holdout.
    EXPECT_LT(m.by_frequency[0], m.by_frequency[3]);
  }
  ASSERT_TRUE(v->best.has_value());
  for (const ModelValidation& m : v->models) EXPECT_LE(v->models[*v->best].rmse, m.rmse);
  EXPECT_EQ(v->group_customers[0], 2357 - 946);

  EXPECT_FALSE(validate_models({summary->rfm, summary->holdout_purchases, {}, 0.0}));
}

}  // namespace
}  // namespace vafa::clv
