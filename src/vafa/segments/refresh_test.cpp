// Full refresh and incremental updates against a real SQLite store: an update after each random
// change leaves exactly the state a full refresh (same population, same as-of) computes, and
// every entry and exit is in the history.
#include "vafa/segments/refresh.hpp"

#include <filesystem>
#include <map>
#include <random>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vafa/analytics/metrics.hpp"
#include "vafa/store/testing.hpp"

namespace vafa::segments {
namespace {

using std::chrono::seconds;
constexpr std::int64_t kDay = 86'400;
constexpr std::int64_t kAsOf = 20'000 * kDay;

Timestamp at_day(std::int64_t day) { return Timestamp{seconds{day * kDay}}; }

class RefreshTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-refresh-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = open_store(test_store_location(dir_, "t"));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    auto run = store_->start_import("orders", "test", at_day(19'000));
    ASSERT_TRUE(run.has_value());
    run_ = *run;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void order(const std::string& customer, std::int64_t day, std::int64_t total,
             OrderStatus status = OrderStatus::placed) {
    Order o{.id = "O" + std::to_string(++orders_),
            .customer_id = customer,
            .channel = Channel::web,
            .placed_at = at_day(day),
            .currency = *Currency::parse("USD"),
            .status = status,
            .lines = {OrderLine{.amount_minor = total}}};
    const Status put = store_->put_order(o, run_);
    ASSERT_TRUE(put.has_value()) << put.error().message;
  }
  void event(const std::string& customer, std::int64_t day, std::string type,
             std::string properties = "{}") {
    ASSERT_TRUE(store_
                    ->put_event(Event{.id = "E" + std::to_string(++events_),
                                      .customer_id = customer,
                                      .type = std::move(type),
                                      .channel = Channel::email,
                                      .occurred_at = at_day(day),
                                      .properties_json = std::move(properties)})
                    .has_value());
  }
  void profile(const std::string& customer, std::string country, bool email) {
    Customer c{.id = customer, .created_at = at_day(19'000), .country = std::move(country)};
    c.consent[Channel::email] = email;
    ASSERT_TRUE(store_->upsert_customer(c).has_value());
  }

  struct Snapshot {
    std::vector<CustomerMetrics> metrics;
    std::map<std::string, std::vector<std::int64_t>> members;
  };
  Snapshot snapshot() {
    Snapshot s;
    EXPECT_TRUE(store_
                    ->scan_customer_metrics([&](const CustomerMetrics& m) -> Status {
                      s.metrics.push_back(m);
                      return {};
                    })
                    .has_value());
    const auto all = store_->segments();
    EXPECT_TRUE(all.has_value());
    for (const Segment& segment : *all) {
      auto& rows = s.members[segment.name];
      EXPECT_TRUE(store_
                      ->scan_segment_members(segment.id,
                                             [&](std::int64_t row, std::int64_t) -> Status {
                                               rows.push_back(row);
                                               return {};
                                             })
                      .has_value());
      EXPECT_EQ(segment.members, static_cast<std::int64_t>(rows.size())) << segment.name;
    }
    return s;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  int orders_ = 0, events_ = 0;
  std::int64_t run_ = 0;
};

TEST_F(RefreshTest, UpdateNeedsARefreshFirst) {
  order("A", 19'990, 1'000);
  const auto updated = update_changed(*store_, kAsOf);
  ASSERT_FALSE(updated.has_value());
  EXPECT_THAT(updated.error().message, testing::HasSubstr("run `vafa refresh`"));
}

TEST_F(RefreshTest, AnOldHistoryIsDescribedAsOfItsLastActivity) {
  order("a", 19'000, 500);
  order("b", 19'010, 700);
  event("a", 19'020, "email_open");
  // Today is years later: the figures describe the day after the last event.
  auto old = refresh_all(*store_, {.as_of = kAsOf, .now = kAsOf});
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->population.as_of, 19'021 * kDay);
  ASSERT_TRUE(old->as_of_note);
  EXPECT_THAT(*old->as_of_note, testing::HasSubstr(format_date(at_day(19'020))));
  // An update keeps that as-of, as it keeps a given one.
  order("a", 19'015, 100);
  auto updated = update_changed(*store_, kAsOf + 10);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->population.as_of, 19'021 * kDay);

  // Data up to a few days ago: today it is.
  order("c", 20'000 - 3, 100);
  auto recent = refresh_all(*store_, {.as_of = kAsOf, .now = kAsOf});
  ASSERT_TRUE(recent);
  EXPECT_EQ(recent->population.as_of, kAsOf);
  EXPECT_FALSE(recent->as_of_note);
  // A given as-of is kept whatever the data.
  auto given = refresh_all(*store_, {.as_of = 19'005 * kDay, .as_of_fixed = true, .now = kAsOf});
  ASSERT_TRUE(given);
  EXPECT_EQ(given->population.as_of, 19'005 * kDay);
}

TEST_F(RefreshTest, EntriesAndExitsAreRecordedWithTheirTime) {
  profile("A", "AM", true);
  order("A", 19'900, 1'000);
  ASSERT_TRUE(create_segment(*store_, "repeat", "orders >= 2 and consent.email", "", kAsOf));
  ASSERT_TRUE(refresh_all(*store_, {.as_of = kAsOf, .as_of_fixed = true, .now = kAsOf}));
  EXPECT_EQ(store_->get_segment("repeat")->value().members, 0);

  order("A", 19'950, 2'000);  // second order: enters
  auto updated = update_changed(*store_, kAsOf + 10);
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  ASSERT_EQ(updated->segments.size(), 1U);
  EXPECT_EQ(updated->segments[0].entered, 1);
  profile("A", "AM", false);  // withdraws e-mail consent: exits
  ASSERT_TRUE(update_changed(*store_, kAsOf + 20).has_value());

  const auto history = store_->segment_history(0, 0, 100);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2U);
  EXPECT_TRUE((*history)[0].entered);
  EXPECT_EQ((*history)[0].at, kAsOf + 10);
  EXPECT_FALSE((*history)[1].entered);
  EXPECT_EQ((*history)[1].at, kAsOf + 20);
  EXPECT_TRUE(store_->changed_customers()->empty());
  // The customer's row follows: two orders, as of the refresh's fixed time.
  const auto row = store_->customer_row("A");
  const auto metrics = store_->get_customer_metrics(**row);
  EXPECT_EQ(metrics->value().orders, 2);
  EXPECT_EQ(metrics->value().as_of, kAsOf);
}

TEST_F(RefreshTest, IncrementalUpdatesEqualAFullRefresh) {
  std::mt19937_64 rng(20261123);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  auto name = [](int i) { return "C" + std::to_string(i); };
  const char* countries[] = {"IR", "AM", "US"};
  for (int i = 0; i < 40; ++i) {
    profile(name(i), countries[pick(3)], pick(2) == 0);
    for (int k = pick(5); k > 0; --k) order(name(i), 19'000 + pick(1'000), 500 + pick(20'000));
    for (int k = pick(4); k > 0; --k)
      event(name(i), 19'500 + pick(500), pick(2) ? "email_open" : "review");
  }
  const char* rules[] = {
      R"(orders >= 3 and last_order_days <= 120 and consent.email)",
      R"(stage in ("at_risk", "lapsed") or churn_risk > 0.8)",
      R"(events("email_open", 90) >= 1 and not (country = "US"))",
      R"(rfm_group = "champions" or score >= 60 or advocacy = "lover")",
      R"(net_revenue > 150 and monetary_score >= 4 and nps >= 0)",
  };
  for (int r = 0; r < 5; ++r) {
    ASSERT_TRUE(create_segment(*store_, "s" + std::to_string(r), rules[r], "", kAsOf).has_value());
  }
  ASSERT_TRUE(refresh_all(*store_, {.as_of = kAsOf, .as_of_fixed = true, .now = kAsOf}));

  std::int64_t changes = 0;
  for (int step = 0; step < 120; ++step) {
    const std::string who = name(pick(45));  // sometimes a new customer
    switch (pick(7)) {
      case 0: order(who, 19'800 + pick(200), 100 + pick(30'000)); break;
      case 1: order(who, 19'900 + pick(100), -(100 + pick(5'000)), OrderStatus::returned); break;
      case 2: order(who, 19'950, 4'000, OrderStatus::cancelled); break;
      case 3: event(who, 19'900 + pick(100), "email_open"); break;
      case 4:
        event(who, 19'900 + pick(100), "nps", "{\"score\":" + std::to_string(pick(11)) + "}");
        break;
      case 5: event(who, 19'990, "referral"); break;
      default: profile(who, countries[pick(3)], pick(2) == 0); break;
    }
    if (pick(3) == 0) continue;  // let changes pile up sometimes
    auto updated = update_changed(*store_, kAsOf + step);
    ASSERT_TRUE(updated.has_value()) << updated.error().message;
    for (const auto& s : updated->segments) changes += s.entered + s.exited;
  }
  ASSERT_TRUE(update_changed(*store_, kAsOf + 1'000).has_value());
  EXPECT_GT(changes, 0);  // the random changes moved customers between segments
  const Snapshot incremental = snapshot();

  auto full = refresh_all(
      *store_,
      {.as_of = kAsOf, .as_of_fixed = true, .now = kAsOf + 2'000, .keep_population = true});
  ASSERT_TRUE(full.has_value()) << full.error().message;
  for (const auto& s : full->segments) {
    EXPECT_EQ(s.entered, 0) << s.name;
    EXPECT_EQ(s.exited, 0) << s.name;
  }
  const Snapshot recomputed = snapshot();
  ASSERT_EQ(incremental.metrics.size(), recomputed.metrics.size());
  for (std::size_t i = 0; i < recomputed.metrics.size(); ++i) {
    EXPECT_EQ(incremental.metrics[i], recomputed.metrics[i])
        << "customer row " << recomputed.metrics[i].customer;
  }
  EXPECT_EQ(incremental.members, recomputed.members);
}

TEST_F(RefreshTest, PyramidPerPeriodEqualsARefreshAsOfEachPeriodEnd) {
  std::mt19937_64 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  const char* types[] = {"email_open", "review", "nps", "referral", "page_view", "email_click"};
  for (int i = 0; i < 60; ++i) {
    const std::string who = "C" + std::to_string(i);
    profile(who, "IR", true);
    for (int k = pick(4); k > 0; --k) order(who, 19'000 + pick(1'000), 500 + pick(9'000));
    for (int k = pick(6); k > 0; --k) {
      const std::string type = types[pick(6)];
      // Several NPS answers per customer: the latest in the window decides promoter or not.
      event(who, 19'000 + pick(1'000), type,
            type == "nps" ? "{\"score\":" + std::to_string(pick(11)) + "}" : "{}");
    }
  }
  const analytics::Config config{.window_days = 120};
  const auto pyramid = analytics::compute_pyramid(
      *store_, {.unit = analytics::PeriodUnit::quarter, .currency = "USD"}, config);
  ASSERT_TRUE(pyramid.has_value()) << pyramid.error().message;
  ASSERT_GE(pyramid->size(), 10U);
  EXPECT_FALSE(pyramid->front().flows.has_value());
  std::array<std::int64_t, 4> most{};  // the most customers seen at each level
  for (std::size_t p = 0; p < pyramid->size(); ++p) {
    const analytics::PyramidPeriod& period = (*pyramid)[p];
    auto refreshed = refresh_all(*store_, {.as_of = period.period.end,
                                           .as_of_fixed = true,
                                           .now = period.period.end,
                                           .config = config});
    ASSERT_TRUE(refreshed.has_value()) << refreshed.error().message;
    std::array<std::int64_t, 4> counts{};
    for (const CustomerMetrics& m : snapshot().metrics) {
      const auto level = std::ranges::find(analytics::kLevelNames, m.advocacy);
      ASSERT_NE(level, analytics::kLevelNames.end()) << m.advocacy;
      ++counts[static_cast<std::size_t>(level - analytics::kLevelNames.begin())];
    }
    EXPECT_EQ(period.counts, counts) << period.period.label;
    for (std::size_t l = 0; l < 4; ++l) most[l] = std::max(most[l], counts[l]);
    if (p == 0) continue;
    // Every customer flows from exactly one level to exactly one level.
    const auto& flows = *period.flows;
    for (std::size_t l = 0; l < 4; ++l) {
      std::int64_t out = 0, in = 0;
      for (std::size_t m = 0; m < 4; ++m) {
        out += flows[l][m];
        in += flows[m][l];
      }
      EXPECT_EQ(out, (*pyramid)[p - 1].counts[l]) << period.period.label;
      EXPECT_EQ(in, period.counts[l]) << period.period.label;
    }
  }
  for (const std::int64_t m : most) EXPECT_GE(m, 5);  // every level was well populated
}

TEST_F(RefreshTest, PreviewCountsAndRuleErrorsPointAtTheColumn) {
  profile("A", "IR", true);
  order("A", 19'990, 1'000);
  profile("B", "AM", true);
  ASSERT_TRUE(refresh_all(*store_, {.as_of = kAsOf, .as_of_fixed = true, .now = kAsOf}));
  auto count = preview(*store_, R"(country in ("IR", "AM") and orders >= 1)");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(count->count, 1);
  EXPECT_EQ(count->customers, 2);
  auto bad = create_segment(*store_, "x", "orders >= 1 and stage = 3", "", kAsOf);
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message, testing::StartsWith("column 23:"));
  EXPECT_FALSE(store_->get_segment("x")->has_value());
  ASSERT_TRUE(create_segment(*store_, "x", "orders >= 1", "", kAsOf).has_value());
  const auto again = create_segment(*store_, "x", "orders >= 2", "", kAsOf);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_FALSE(create_segment(*store_, "", "orders >= 1", "", kAsOf).has_value());
  // Regression: a name that is not UTF-8 was stored, and `segments list --json` then could not
  // print it.
  EXPECT_FALSE(create_segment(*store_, "\xff\xfe", "orders >= 1", "", kAsOf).has_value());
}

}  // namespace
}  // namespace vafa::segments
