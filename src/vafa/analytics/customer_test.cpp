// Hand-worked cases for one customer's summary and assessment, the population figures and the
// settings' validation.
#include "vafa/analytics/customer.hpp"

#include <nlohmann/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vafa::analytics {
namespace {

constexpr std::int64_t kAsOf = 1'000 * kDay;  // day 1000

OrderRecord order(std::int64_t day, std::int64_t total, OrderStatus status = OrderStatus::placed,
                  std::string_view currency = "USD") {
  return OrderRecord{.customer = 1,
                     .id = "o",
                     .placed_at = day * kDay,
                     .total_minor = total,
                     .currency = currency,
                     .channel = "web",
                     .status = status};
}

EventRecord event(std::int64_t day, std::string_view type, std::string_view properties = "{}") {
  return EventRecord{.customer = 1,
                     .id = "e",
                     .occurred_at = day * kDay,
                     .type = type,
                     .channel = "email",
                     .properties = properties};
}

CustomerSummary summarise(std::initializer_list<OrderRecord> orders,
                          std::initializer_list<EventRecord> events = {},
                          const Config& config = Config{}) {
  const SummaryContext context{.config = &config, .as_of = kAsOf, .currency = "USD"};
  CustomerSummary s{.customer = 1, .created_at = 100 * kDay};
  for (const auto& o : orders) add_order(s, o, context);
  for (const auto& e : events) add_event(s, e, context);
  return s;
}

TEST(Summary, CountsPurchasesRefundsAndReturnsByHand) {
  const CustomerSummary s = summarise({
      order(900, 10'000),                             // purchase
      order(930, 5'000),                              // purchase, gap 30
      order(935, -2'000, OrderStatus::returned),      // refund document: net -20.00
      order(940, 3'000, OrderStatus::cancelled),      // never a sale
      order(950, 4'000, OrderStatus::returned),       // sold, returned whole
      order(960, 7'000, OrderStatus::placed, "EUR"),  // other currency: ignored
      order(990, 1'000),                              // purchase, gap 60
      order(1'001, 9'000),                            // after as-of: ignored
  });
  EXPECT_EQ(s.orders, 3);
  EXPECT_EQ(s.first_order_at, 900 * kDay);
  EXPECT_EQ(s.last_order_at, 990 * kDay);
  EXPECT_EQ(s.previous_order_at, 930 * kDay);
  EXPECT_DOUBLE_EQ(s.gap_days_sum, 90.0);
  EXPECT_EQ(s.revenue_minor, 10'000 + 5'000 + 4'000 + 1'000);
  EXPECT_EQ(s.net_revenue_minor, 10'000 + 5'000 - 2'000 + 1'000);
  EXPECT_EQ(s.returns, 3);
}

TEST(Summary, EngagementAdvocacyAndNpsInTheWindow) {
  const CustomerSummary s =
      summarise({order(990, 1'000)}, {
                                         event(500, "email_open"),  // before the 365-day window
                                         event(700, "email_open"), event(701, "email_click"),
                                         event(702, "page_view"),  // not engagement by default
                                         event(600, "review"),     // outside the window
                                         event(800, "nps", R"({"score":9})"),
                                         event(850, "nps", R"({"score":"ten"})"),  // invalid
                                     });
  EXPECT_EQ(s.engagement_events, 3);  // two opens/clicks in the window and the NPS answer
  EXPECT_FALSE(s.reviewed);
  EXPECT_TRUE(s.promoter);
  EXPECT_EQ(s.nps, 9);
  EXPECT_TRUE(s.bought_in_window);
}

TEST(Population, QuintilesCycleAndVipByHand) {
  // Five buyers with 1..5 orders, one order every 10 days ending 10*k days before as-of, net
  // revenue 100*k; one prospect.
  std::vector<CustomerSummary> all;
  const Config config;
  const SummaryContext context{.config = &config, .as_of = kAsOf, .currency = "USD"};
  for (int k = 1; k <= 5; ++k) {
    CustomerSummary s{.customer = k};
    for (int j = 0; j < k; ++j)
      add_order(s, order(1'000 - 10 * k - 10 * (k - 1 - j), 100 * k), context);
    all.push_back(s);
  }
  all.push_back(CustomerSummary{.customer = 6});
  const Population p = derive_population(all, config, kAsOf, "USD");
  EXPECT_EQ(p.buyers, 5);
  // Recency days 10..50: type-7 quantiles 18, 26, 34, 42.
  EXPECT_THAT(p.recency_cuts, testing::ElementsAre(18, 26, 34, 42));
  EXPECT_THAT(p.frequency_cuts, testing::ElementsAre(1.8, 2.6, 3.4, 4.2));
  // Net revenue k * 100 * k: 100, 400, 900, 1600, 2500.
  EXPECT_DOUBLE_EQ(p.monetary_cuts[0], 100 + 0.8 * 300);
  // Repeat buyers' mean gap is 10 days for everyone.
  EXPECT_DOUBLE_EQ(p.cycle_days, 10.0);
  // VIP: top 5% -> the 95th percentile of net revenue: 1600 + 0.8 * 900.
  EXPECT_DOUBLE_EQ(p.vip_net_revenue_minor, 1600 + 0.8 * 900);

  const CustomerMetrics best = assess(all[4], p, config);  // 5 orders, last 50 days ago
  EXPECT_EQ(best.frequency_score, 5);
  EXPECT_EQ(best.monetary_score, 5);
  EXPECT_EQ(best.recency_score, 1);
  EXPECT_EQ(best.rfm_group, "cant_lose_them");
  // cycle = (40 + 2 * 10) / (4 + 2) = 10 days; 50 days > 3 cycles: lapsed.
  EXPECT_DOUBLE_EQ(*best.cycle_days, 10.0);
  EXPECT_EQ(best.stage, "lapsed");
  const CustomerMetrics first = assess(all[0], p, config);  // 1 order, 10 days ago
  EXPECT_EQ(first.recency_score, 5);
  EXPECT_EQ(first.rfm_group, "new");
  EXPECT_EQ(first.stage, "new");  // 10 <= 1.5 * 10
  const CustomerMetrics none = assess(all[5], p, config);
  EXPECT_EQ(none.stage, "prospect");
  EXPECT_EQ(none.advocacy, "none");
  EXPECT_FALSE(none.recency_score.has_value());
}

TEST(Assess, StagesFollowTheCustomersOwnCycle) {
  Population p{.as_of = kAsOf, .currency = "USD", .buyers = 10, .cycle_days = 30};
  p.vip_net_revenue_minor = 1e12;
  const Config config;
  // A weekly buyer: own gaps 7 days (3 gaps), cycle = (21 + 2*30)/(3+2) = 16.2 days.
  CustomerSummary weekly = summarise({order(958, 1), order(965, 1), order(972, 1), order(979, 1)});
  // 21 days since the last order: above 1.5 cycles (24.3)? no -> active.
  EXPECT_EQ(assess(weekly, p, config).stage, "active");
  weekly = summarise({order(948, 1), order(955, 1), order(962, 1), order(969, 1)});  // 31 days
  EXPECT_EQ(assess(weekly, p, config).stage, "at_risk");
  weekly = summarise({order(900, 1), order(907, 1), order(914, 1), order(921, 1)});  // 79 days
  EXPECT_EQ(assess(weekly, p, config).stage, "lapsed");
  // Won back: the last gap (400 days) exceeded 3 cycles before it; the last order is recent.
  const CustomerSummary back = summarise({order(560, 1), order(590, 1), order(990, 1)});
  EXPECT_EQ(assess(back, p, config).stage, "won_back");
  // VIP: net revenue at or above the threshold and still active.
  p.vip_net_revenue_minor = 500;
  const CustomerSummary big = summarise({order(980, 300), order(990, 300)});
  EXPECT_EQ(assess(big, p, config).stage, "vip");
}

TEST(Assess, ScoreIsTheWeightedSumOfItsComponents) {
  Population p{.as_of = kAsOf, .currency = "USD", .buyers = 10, .cycle_days = 30};
  p.vip_net_revenue_minor = 1e12;
  p.frequency_scale = 3;  // log1p(3)/log1p(3) = 1 for 3 orders
  p.spend_scale = 3'000;
  p.engagement_scale = 1;
  Config config;
  const CustomerSummary s = summarise({order(940, 1'000), order(970, 1'000), order(1'000, 1'000)},
                                      {event(990, "email_open"), event(995, "referral")});
  const CustomerMetrics m = assess(s, p, config);
  // created day 100 -> tenure 900 days >= 730: 1. recency 0 days: 1. frequency 1. spend 1.
  // engagement 1 (one event, scale 1). advocacy 0.4 (referral). retention: risk 0 -> 1.
  // score = 100 * (0.2 + 0.2 + 0.2 + 0.1 + 0.1 + 0.1 * 0.4 + 0.1) = 94.
  EXPECT_DOUBLE_EQ(m.score, 94.0);
  const auto components = nlohmann::json::parse(m.components_json);
  EXPECT_DOUBLE_EQ(components["advocacy"]["points"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(components["tenure"]["value"].get<double>(), 1.0);
  EXPECT_EQ(m.advocacy, "lover");
  // Weights are normalised: only spend counts -> 100.
  config.weights = ScoreWeights{0, 0, 1, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(assess(s, p, config).score, 100.0);
  // P(alive) from a CLV run sets the churn risk.
  CustomerSummary alive = s;
  alive.p_alive = 0.25;
  EXPECT_DOUBLE_EQ(assess(alive, p, Config{}).churn_risk, 0.75);
}

TEST(RfmGroups, GridCorners) {
  EXPECT_EQ(rfm_group(5, 5, 5), "champions");
  EXPECT_EQ(rfm_group(5, 1, 1), "new");
  EXPECT_EQ(rfm_group(4, 1, 1), "promising");
  EXPECT_EQ(rfm_group(3, 3, 3), "need_attention");
  EXPECT_EQ(rfm_group(1, 5, 5), "cant_lose_them");
  EXPECT_EQ(rfm_group(2, 3, 4), "at_risk");  // FM = (3 + 4 + 1) / 2 = 4
  EXPECT_EQ(rfm_group(1, 1, 2), "lost");     // FM = 2
  EXPECT_EQ(rfm_group(2, 1, 1), "hibernating");
}

TEST(Settings, RoundTripAndRejections) {
  Config config;
  config.weights.spend = 0.5;
  config.advocacy_types.push_back("testimonial");
  const auto again = Config::from_json(config.to_json());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->to_json(), config.to_json());
  const std::pair<const char*, const char*> bad[] = {
      {"[]", "not a JSON object"},
      {R"({"vip_shar": 0.1})", "unknown analytics setting 'vip_shar'"},
      {R"({"vip_share": 2})", "vip_share: 2 is outside [0, 1]"},
      {R"({"lapsed_cycles": 1, "at_risk_cycles": 2})", "must not be below"},
      {R"({"weights": {"recency": "high"}})", "weights.recency: not a number"},
      {R"({"weights": {"recency": 0, "frequency": 0, "spend": 0, "tenure": 0, "engagement": 0,
                       "advocacy": 0, "retention": 0}})",
       "sum to zero"},
      {R"({"engagement_types": ["email_open", 3]})", "every item must be an event type"},
  };
  for (const auto& [json, message] : bad) {
    const auto parsed = Config::from_json(json);
    ASSERT_FALSE(parsed.has_value()) << json;
    EXPECT_THAT(parsed.error().message, testing::HasSubstr(message)) << json;
  }
}

TEST(Population, JsonRoundTripIsExact) {
  Population p{.as_of = 123, .currency = "AMD", .buyers = 7};
  p.recency_cuts = {0.1, 1.0 / 3.0, 2.5, 1e-9};
  p.cycle_days = 52.400000000000006;
  p.spend_scale = 12345.678;
  const auto again = Population::from_json(p.to_json());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->recency_cuts, p.recency_cuts);
  EXPECT_EQ(again->cycle_days, p.cycle_days);
  EXPECT_EQ(again->to_json(), p.to_json());
  EXPECT_FALSE(Population::from_json(R"({"as_of": 1})").has_value());
}

}  // namespace
}  // namespace vafa::analytics
