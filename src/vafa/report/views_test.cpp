// The dashboard views against a real SQLite store with a handful of known orders: every figure
// is worked out by hand below.
#include "vafa/report/views.hpp"

#include <filesystem>

#include <unistd.h>

#include <gtest/gtest.h>

#include "vafa/segments/refresh.hpp"
#include "vafa/store/testing.hpp"

namespace vafa::report {
namespace {

Timestamp day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}
std::int64_t seconds_of(Timestamp t) { return unix_seconds(t); }

class ViewsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-views-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_test_store(dir_, "t");
    run_ = *store_->start_import("orders", "test", day(2025, 1, 1));
    // A: Jan and Feb; B: Jan only; C: Feb and Mar (2025).
    order("A", day(2025, 1, 10), 10'000);
    order("B", day(2025, 1, 20), 3'000);
    order("A", day(2025, 2, 5), 5'000);
    order("C", day(2025, 2, 15), 2'000);
    order("C", day(2025, 3, 3), 1'000);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void order(const std::string& customer, Timestamp when, std::int64_t total) {
    Order o{.id = "O" + std::to_string(++orders_),
            .customer_id = customer,
            .channel = Channel::web,
            .placed_at = when,
            .currency = *Currency::parse("USD"),
            .lines = {OrderLine{.amount_minor = total}}};
    ASSERT_TRUE(store_->put_order(o, run_).has_value());
  }
  std::int64_t row(std::string_view id) { return store_->customer_row(id).value().value(); }

  // refresh (as vafa refresh --as-of 2025-03-31) and the views it writes.
  void refresh() {
    const std::int64_t as_of = seconds_of(day(2025, 3, 31));
    auto done = segments::refresh_all(
        *store_, segments::RefreshOptions{.as_of = as_of, .as_of_fixed = true, .now = as_of});
    ASSERT_TRUE(done.has_value()) << done.error().message;
    auto names =
        refresh_views(*store_, ViewsOptions{.as_of = as_of, .now = as_of, .currency = "USD"});
    ASSERT_TRUE(names.has_value()) << names.error().message;
    EXPECT_EQ(names->size(), std::size(kRefreshedViews));
  }
  Json view(std::string_view name) {
    auto stored = store_->dashboard_view(name);
    EXPECT_TRUE(stored.has_value() && stored->has_value()) << name;
    return Json::parse((*stored)->body);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t run_ = 0;
  int orders_ = 0;
};

TEST_F(ViewsTest, OverviewHasEachMonthsHeadlineFigures) {
  refresh();
  const Json o = view("overview.gregorian");
  EXPECT_EQ(o["currency"], "USD");
  EXPECT_EQ(o["customers"], 3);
  const Json& p = o["periods"];
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0]["label"], "2025-01");
  EXPECT_EQ(p[0]["start"], "2025-01-01T00:00:00Z");
  EXPECT_EQ(p[0]["active"], 2);
  EXPECT_EQ(p[0]["new_customers"], 2);
  EXPECT_EQ(p[0]["revenue_minor"], 13'000);
  EXPECT_EQ(p[0]["aov_minor"], 6'500);
  EXPECT_EQ(p[0]["partial"], false);
  // February: A of {A, B} bought again; C is new.
  EXPECT_EQ(p[1]["active"], 2);
  EXPECT_EQ(p[1]["new_customers"], 1);
  EXPECT_DOUBLE_EQ(p[1]["retention"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(p[1]["churn"].get<double>(), 0.5);
  // March: C of {A, C}; the month is not over on the 31st at midnight.
  EXPECT_EQ(p[2]["active"], 1);
  EXPECT_DOUBLE_EQ(p[2]["retention"].get<double>(), 0.5);
  EXPECT_EQ(p[2]["partial"], true);
  EXPECT_TRUE(p[2]["nps"].is_null());  // no answers
}

TEST_F(ViewsTest, PersianViewsCutPeriodsByTheJalaliCalendar) {
  refresh();
  // 10 Jan 2025 is in Dey 1403; 20 Jan (1 Bahman), 5 and 15 Feb in Bahman; 3 Mar in Esfand;
  // 21 Mar 2025 is 1 Farvardin 1404.
  const Json v = view("overview.persian");
  const Json& p = v["periods"];
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0]["label"], "1403-10");
  EXPECT_EQ(p[0]["active"], 1);
  EXPECT_EQ(p[1]["label"], "1403-11");
  EXPECT_EQ(p[1]["active"], 3);
  EXPECT_EQ(p[2]["label"], "1403-12");
  EXPECT_EQ(p[2]["active"], 1);
  EXPECT_EQ(p[3]["label"], "1404-01");
  EXPECT_EQ(p[3]["start"], "2025-03-21T00:00:00Z");
  EXPECT_EQ(p[3]["active"], 0);
}

TEST_F(ViewsTest, CohortsFollowEachMonthsNewCustomers) {
  refresh();
  const Json v = view("cohorts.gregorian");
  const Json& c = v["cohorts"];
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0]["label"], "2025-01");
  EXPECT_EQ(c[0]["customers"], 2);
  EXPECT_EQ(c[0]["retention"], Json({1.0, 0.5, 0.0}));
  EXPECT_EQ(c[1]["label"], "2025-02");
  EXPECT_EQ(c[1]["customers"], 1);
  EXPECT_EQ(c[1]["retention"], Json({1.0, 1.0}));
  EXPECT_EQ(c[2]["label"], "2025-03");  // nobody new in March
  EXPECT_EQ(c[2]["customers"], 0);
}

TEST_F(ViewsTest, ClvViewHasTheDistributionTheGridAndTheTopCustomers) {
  EXPECT_FALSE(store_->dashboard_view("clv").value().has_value());  // before any refresh
  const std::int64_t a = row("A"), b = row("B"), c = row("C");
  ASSERT_TRUE(store_
                  ->put_clv_predictions(
                      ClvRun{.model = "bgnbd",
                             .params_json = "{}",
                             .calibration_end = seconds_of(day(2025, 3, 31)),
                             .unit = "week",
                             .horizon = 26,
                             .currency = "USD",
                             .created_at = seconds_of(day(2025, 4, 1))},
                      {ClvPrediction{.customer = a,
                                     .frequency = 1,
                                     .recency = 3,
                                     .age = 11,
                                     .p_alive = 0.8,
                                     .clv_minor = 2'000},
                       ClvPrediction{
                           .customer = b, .frequency = 0, .recency = 0, .age = 10, .p_alive = 1.0},
                       ClvPrediction{.customer = c,
                                     .frequency = 1,
                                     .recency = 2,
                                     .age = 6,
                                     .p_alive = 0.6,
                                     .clv_minor = 1'000}})
                  .has_value());
  refresh();
  const Json v = view("clv");
  EXPECT_EQ(v["run"]["model"], "bgnbd");
  EXPECT_EQ(v["customers"], 3);
  EXPECT_EQ(v["with_clv"], 2);
  EXPECT_EQ(v["total_clv_minor"], 3'000);
  std::int64_t binned = 0;
  for (const Json& n : v["histogram"]["counts"]) binned += n.get<std::int64_t>();
  EXPECT_EQ(binned, 2);
  EXPECT_EQ(v["histogram"]["edges"].size(), v["histogram"]["counts"].size() + 1);
  // Cells are [frequency, recency cell, mean p_alive, customers]; A and C share frequency 1
  // but not their recency cell (width 11/12 week).
  std::int64_t customers = 0;
  for (const Json& cell : v["p_alive"]["cells"]) {
    customers += cell[3].get<std::int64_t>();
    if (cell[0] == 0) {
      EXPECT_DOUBLE_EQ(cell[2].get<double>(), 1.0);
    }
  }
  EXPECT_EQ(customers, 3);
  ASSERT_EQ(v["top"].size(), 2u);  // B has no CLV
  EXPECT_EQ(v["top"][0]["customer_id"], "A");
  EXPECT_EQ(v["top"][1]["customer_id"], "C");
}

TEST_F(ViewsTest, LoyaltyViewCountsPointsPerMonthAndWhatIsOwed) {
  const std::int64_t a = row("A");
  const auto post = [&](std::string kind, std::string cause, Timestamp when, PointsAccount from,
                        PointsAccount to, std::int64_t points) {
    const bool from_customer = from == PointsAccount::available;
    const bool to_customer = to == PointsAccount::available;
    LedgerTxn txn{
        .kind = std::move(kind),
        .cause = std::move(cause),
        .customer = a,
        .at = seconds_of(when),
        .entries = {LedgerEntry{.account = from,
                                .customer = from_customer ? std::optional(a) : std::nullopt,
                                .points = -points},
                    LedgerEntry{.account = to,
                                .customer = to_customer ? std::optional(a) : std::nullopt,
                                .points = points}}};
    ASSERT_TRUE(store_->post_points(txn).has_value());
  };
  post("earn", "order:O3", day(2025, 2, 5), PointsAccount::issued, PointsAccount::available, 100);
  post("redeem", "r:1", day(2025, 3, 2), PointsAccount::available, PointsAccount::redeemed, 30);
  refresh();
  const Json v = view("loyalty.gregorian");
  EXPECT_EQ(v["totals"]["issued"], 100);
  EXPECT_EQ(v["totals"]["redeemed"], 30);
  EXPECT_EQ(v["totals"]["expired"], 0);
  EXPECT_EQ(v["totals"]["outstanding"], 70);
  const Json& months = v["months"];
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(months[0]["label"], "2025-02");
  EXPECT_EQ(months[0]["issued"], 100);
  EXPECT_EQ(months[1]["redeemed"], 30);
  EXPECT_EQ(v["customers"], 3);
}

TEST_F(ViewsTest, SegmentsAndPyramidAreStoredAndAllViewsReadBack) {
  ASSERT_TRUE(
      segments::create_segment(*store_, "repeat", "orders >= 2", "", seconds_of(day(2025, 3, 1)))
          .has_value());
  refresh();
  const Json s = view("segments")["segments"];
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]["name"], "repeat");
  EXPECT_EQ(s[0]["members"], 2);  // A and C
  ASSERT_FALSE(s[0]["sizes"].empty());
  EXPECT_EQ(s[0]["sizes"].back()[1], 2);
  const Json pyramid = view("pyramid.gregorian");
  EXPECT_EQ(pyramid["levels"], Json({"none", "lurker", "liker", "lover"}));
  std::int64_t everyone = 0;
  for (const auto& [level, n] : pyramid["periods"].back()["counts"].items()) {
    everyone += n.get<std::int64_t>();
  }
  EXPECT_EQ(everyone, 3);

  auto all = stored_views(*store_);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), std::size(kRefreshedViews));  // nothing validated or evaluated yet
  EXPECT_EQ((*all)["overview.gregorian"]["as_of"], "2025-03-31T00:00:00Z");
  EXPECT_TRUE(known_view("clv.validation"));
  EXPECT_FALSE(known_view("overview"));
}

TEST_F(ViewsTest, ASecondConnectionComputesTheSameViews) {
  refresh();
  const Json alone = stored_views(*store_).value();
  const std::int64_t as_of = seconds_of(day(2025, 3, 31));
  int opened = 0;
  const std::string location = test_store_location(dir_, "t");
  auto names = refresh_views(
      *store_,
      ViewsOptions{.as_of = as_of, .now = as_of, .currency = "USD", .second_connection = [&] {
                     ++opened;
                     return open_store(location);
                   }});
  ASSERT_TRUE(names.has_value()) << names.error().message;
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(stored_views(*store_).value(), alone);
}

}  // namespace
}  // namespace vafa::report
