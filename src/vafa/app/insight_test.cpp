// The reads every front end shows: one customer's 360 view and timeline, the rankings and the
// breakdowns by RFM group and stage, on a small shop placed through the workflows and refreshed.
#include "vafa/app/insight.hpp"

#include <map>
#include <numeric>
#include <set>
#include <span>

#include <gmock/gmock.h>

#include "vafa/analytics/customer.hpp"
#include "vafa/app/app_test_support.hpp"
#include "vafa/app/customers.hpp"
#include "vafa/app/orders.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_support::AppFixture;
using testing_support::at;
using testing_support::kDay;

class InsightTest : public AppFixture {
 protected:
  // Ten customers: steady buyers, one-time buyers of long ago, a big spender who stopped, and
  // two who never bought.
  void shop() {
    for (const std::string sku : {"SKU-A", "SKU-B", "SKU-C"}) {
      ASSERT_TRUE(
          store_->upsert_product(Product{.sku = sku, .name = "Product " + sku}).has_value());
    }
    int n = 0;
    auto place = [&](const std::string& customer, std::int64_t when, std::int64_t amount) {
      const auto placed = place_order(
          context(), order_of("o" + std::to_string(++n), customer, {{"SKU-A", 1, amount}}, when),
          std::nullopt);
      ASSERT_TRUE(placed.has_value()) << placed.error().message;
    };
    for (int c = 1; c <= 10; ++c) add_customer("c" + std::to_string(c));
    for (int c = 1; c <= 4; ++c) {  // every month this year
      for (int m = 1; m <= 5; ++m) {
        place("c" + std::to_string(c), at(2026, static_cast<unsigned>(m), 10 + c), 2'000 * c);
      }
    }
    for (int c = 5; c <= 7; ++c) place("c" + std::to_string(c), at(2024, 3, c), 1'500);
    for (int m = 1; m <= 6; ++m) place("c8", at(2025, static_cast<unsigned>(m), 2), 90'000);
  }
  void refresh() {
    const auto report = segments::refresh_all(
        *store_, segments::RefreshOptions{.as_of = now_, .as_of_fixed = true, .now = now_});
    ASSERT_TRUE(report.has_value()) << report.error().message;
  }
  std::vector<CustomerMetrics> all_metrics() {
    std::vector<CustomerMetrics> out;
    EXPECT_TRUE(store_
                    ->scan_customer_metrics([&](const CustomerMetrics& m) -> Status {
                      out.push_back(m);
                      return {};
                    })
                    .has_value());
    return out;
  }
};

TEST_F(InsightTest, AViewOfAnUnknownCustomerIsNotFoundAndAFreshOneHasNothingDerived) {
  const auto missing = customer_view(*store_, "nobody");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_THAT(missing.error().message, HasSubstr("nobody"));

  add_customer("c1");
  const auto view = customer_view(*store_, "c1");
  ASSERT_TRUE(view.has_value()) << view.error().message;
  EXPECT_EQ(view->customer.id, "c1");
  EXPECT_EQ(view->row, *store_->customer_row("c1").value());
  EXPECT_FALSE(view->metrics.has_value());
  EXPECT_FALSE(view->clv.has_value());
  EXPECT_TRUE(view->segments.empty());
  EXPECT_TRUE(view->recommendations.empty());
}

TEST_F(InsightTest, TheViewGathersMetricsPredictionSegmentsAndNamedRecommendations) {
  shop();
  ASSERT_TRUE(segments::create_segment(*store_, "repeat", "orders >= 2", "", now_).has_value());
  ASSERT_TRUE(
      segments::create_segment(*store_, "big", "net_revenue >= 1000", "", now_).has_value());
  ASSERT_TRUE(segments::create_segment(*store_, "new", "orders = 0", "", now_).has_value());
  refresh();
  const std::int64_t row = *store_->customer_row("c3").value();
  const std::int64_t a = store_->product_row("SKU-A").value().value();
  const std::int64_t b = store_->product_row("SKU-B").value().value();
  ASSERT_TRUE(store_->upsert_product(Product{.sku = "SKU-D"}).has_value());  // has no name
  const std::int64_t d = store_->product_row("SKU-D").value().value();
  const std::vector<RecommendationRow> recs{
      {.customer = row, .product = b, .score = 0.9, .reason = "similar", .because = a},
      {.customer = row, .product = d, .score = 0.4, .reason = "popular"}};
  ASSERT_TRUE(store_->put_recommendations(recs).has_value());
  const ClvRun run{.model = "bgnbd",
                   .params_json = R"({"r":1})",
                   .calibration_end = now_,
                   .unit = "week",
                   .horizon = 52,
                   .currency = "USD",
                   .created_at = now_};
  ASSERT_TRUE(store_
                  ->put_clv_predictions(run, {ClvPrediction{.customer = row,
                                                            .p_alive = 0.8,
                                                            .expected_purchases = 6.5,
                                                            .clv_minor = 41'000}})
                  .has_value());

  const auto view = customer_view(*store_, "c3");
  ASSERT_TRUE(view.has_value()) << view.error().message;
  ASSERT_TRUE(view->metrics.has_value());
  EXPECT_EQ(view->metrics->orders, 5);
  EXPECT_EQ(view->metrics->net_revenue_minor, 5 * 6'000);
  EXPECT_EQ(view->metrics->customer, row);
  ASSERT_TRUE(view->clv.has_value());
  EXPECT_EQ(view->clv->first.model, "bgnbd");
  EXPECT_EQ(view->clv->second.clv_minor, 41'000);
  EXPECT_THAT(view->segments, ElementsAre("repeat"));  // 300.00 is not 1000.00
  ASSERT_EQ(view->recommendations.size(), 2u);
  EXPECT_EQ(view->recommendations[0].sku, "SKU-B");
  EXPECT_EQ(view->recommendations[0].name, "Product SKU-B");
  EXPECT_EQ(view->recommendations[0].reason, "similar");
  EXPECT_EQ(view->recommendations[0].because, "SKU-A");
  EXPECT_EQ(view->recommendations[1].sku, "SKU-D");
  EXPECT_EQ(view->recommendations[1].name, "");
  EXPECT_FALSE(view->recommendations[1].because.has_value());

  const auto idle = customer_view(*store_, "c10");
  ASSERT_TRUE(idle.has_value());
  ASSERT_TRUE(idle->metrics.has_value());
  EXPECT_EQ(idle->metrics->orders, 0);
  EXPECT_THAT(idle->segments, ElementsAre("new"));
  EXPECT_FALSE(idle->clv.has_value());
}

TEST_F(InsightTest, TheTimelineHoldsOrdersAndEventsOfEveryChannelNewestFirst) {
  add_customer("c1");
  auto order = order_of("o1", "c1", {{"SKU-A", 2, 5'000}}, now_ - 3 * kDay);
  order.channel = Channel::store;
  ASSERT_TRUE(place_order(context(), order, std::nullopt).has_value());
  ASSERT_TRUE(
      place_order(context(), order_of("o2", "c1", {{"SKU-B", 1, 700}}, now_ - kDay), std::nullopt));
  ASSERT_TRUE(cancel_order(context(), "o2").has_value());
  const Event review{.id = "e1",
                     .customer_id = "c1",
                     .type = "review",
                     .channel = Channel::web,
                     .occurred_at = from_unix_seconds(now_ - 2 * kDay),
                     .properties_json = R"({"stars":5})"};
  ASSERT_TRUE(record_event(context(), review).has_value());
  const Event same_second{.id = "e2",
                          .customer_id = "c1",
                          .type = "page_view",
                          .channel = Channel::app,
                          .occurred_at = from_unix_seconds(now_ - kDay)};
  ASSERT_TRUE(record_event(context(), same_second).has_value());

  const auto items = customer_timeline(*store_, *store_->customer_row("c1").value());
  ASSERT_TRUE(items.has_value()) << items.error().message;
  ASSERT_EQ(items->size(), 4u);
  using Kind = TimelineItem::Kind;
  EXPECT_EQ((*items)[0].id, "o2");  // the order first at the same second
  EXPECT_EQ((*items)[0].kind, Kind::order);
  EXPECT_EQ((*items)[0].type, "cancelled");
  EXPECT_EQ((*items)[1].id, "e2");
  EXPECT_EQ((*items)[1].channel, "app");
  EXPECT_EQ((*items)[1].properties, "{}");
  EXPECT_EQ((*items)[2].id, "e1");
  EXPECT_EQ((*items)[2].type, "review");
  EXPECT_EQ((*items)[2].properties, R"({"stars":5})");
  EXPECT_EQ((*items)[3].id, "o1");
  EXPECT_EQ((*items)[3].channel, "store");
  EXPECT_EQ((*items)[3].amount_minor, 5'000);
  EXPECT_EQ((*items)[3].currency, "USD");
  EXPECT_EQ((*items)[3].at, now_ - 3 * kDay);
}

TEST_F(InsightTest, RankingsKeepTheirPopulationOrderTheirKeyAndNameEachCustomer) {
  EXPECT_EQ(parse_ranking("score"), Ranking::score);
  EXPECT_EQ(parse_ranking("risk"), Ranking::risk);
  const auto bad = parse_ranking("clv");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);

  shop();
  refresh();
  const std::vector<CustomerMetrics> metrics = all_metrics();
  ASSERT_EQ(metrics.size(), 10u);
  for (const Ranking by : {Ranking::score, Ranking::risk}) {
    const auto ranked = rank_customers(*store_, by, 100);
    ASSERT_TRUE(ranked.has_value()) << ranked.error().message;
    std::size_t eligible = 0;
    for (const CustomerMetrics& m : metrics) {
      const bool excluded =
          m.orders == 0 || m.stage == "lapsed" || (by == Ranking::score && m.stage == "at_risk");
      eligible += excluded ? 0 : 1;
    }
    ASSERT_EQ(ranked->size(), eligible);
    ASSERT_GT(eligible, 0u);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < ranked->size(); ++i) {
      const RankedCustomer& r = (*ranked)[i];
      EXPECT_EQ(*store_->customer_row(r.id).value(), r.metrics.customer) << r.id;
      EXPECT_TRUE(seen.insert(r.id).second);
      EXPECT_GT(r.metrics.orders, 0);
      EXPECT_NE(r.metrics.stage, "lapsed");
      const double key =
          by == Ranking::score
              ? r.metrics.score
              : r.metrics.churn_risk * static_cast<double>(r.metrics.net_revenue_minor);
      EXPECT_DOUBLE_EQ(r.key, key);
      if (i > 0) {
        const RankedCustomer& before = (*ranked)[i - 1];
        EXPECT_TRUE(before.key > r.key ||
                    (before.key == r.key && before.metrics.customer < r.metrics.customer));
      }
    }
    EXPECT_EQ(seen.count("c9"), 0u);  // never bought
    const auto top = rank_customers(*store_, by, 2);
    ASSERT_TRUE(top.has_value());
    ASSERT_EQ(top->size(), std::min<std::size_t>(2, eligible));
    EXPECT_EQ((*top)[0].id, (*ranked)[0].id);
  }
}

TEST_F(InsightTest, BreakdownsListEveryGroupInOrderAndAddUpToThePopulation) {
  const auto before = group_customers(*store_, Grouping::stage);
  ASSERT_FALSE(before.has_value());
  EXPECT_EQ(before.error().code, ErrorCode::not_found);
  EXPECT_THAT(before.error().message, HasSubstr("vafa refresh"));

  shop();
  refresh();
  const std::vector<CustomerMetrics> metrics = all_metrics();
  for (const Grouping by : {Grouping::stage, Grouping::rfm}) {
    const auto breakdown = group_customers(*store_, by);
    ASSERT_TRUE(breakdown.has_value()) << breakdown.error().message;
    EXPECT_EQ(breakdown->as_of, now_);
    EXPECT_EQ(breakdown->currency, "USD");
    const std::span<const std::string_view> names =
        by == Grouping::stage ? std::span<const std::string_view>(analytics::kStages)
                              : std::span<const std::string_view>(analytics::kRfmGroups);
    ASSERT_EQ(breakdown->groups.size(), names.size());
    std::map<std::string, std::int64_t> counted, net;
    for (const CustomerMetrics& m : metrics) {
      const std::string& key = by == Grouping::stage ? m.stage : m.rfm_group;
      if (key.empty()) continue;
      ++counted[key];
      net[key] += m.net_revenue_minor;
    }
    std::int64_t customers = 0;
    double share = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const CustomerGroup& g = breakdown->groups[i];
      EXPECT_EQ(g.name, names[i]);
      EXPECT_EQ(g.customers, counted[g.name]) << g.name;
      EXPECT_EQ(g.net_revenue_minor, net[g.name]) << g.name;
      EXPECT_EQ(g.mean_orders.has_value(), g.customers > 0) << g.name;
      customers += g.customers;
      share += g.share;
    }
    EXPECT_EQ(customers, breakdown->total);
    EXPECT_NEAR(share, 1.0, 1e-12);
  }
  // Every customer has a stage; only buyers have an RFM group.
  EXPECT_EQ(group_customers(*store_, Grouping::stage)->total, 10);
  EXPECT_EQ(group_customers(*store_, Grouping::rfm)->total, 8);
}

}  // namespace
}  // namespace vafa::app
