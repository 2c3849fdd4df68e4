// What the product knows of customers, read the one way every front end shows it: one
// customer's 360 view (what they are, the derived metrics of the last refresh, the latest CLV
// prediction, their segments and recommendations with the products' names), their timeline
// (orders and events of every channel, newest first), the rankings (`score`: the loyalty score
// among customers still buying; `risk`: net revenue at stake, weighted by churn risk, among
// buyers not yet lapsed) and the breakdown by RFM group or lifecycle stage. Reads only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vafa/store/store.hpp"

namespace vafa::app {

struct RecommendedProduct {
  std::string sku;
  std::string name;  // empty when the catalogue has none
  double score = 0;
  std::string reason;
  std::optional<std::string> because;  // the SKU that led to it
};

struct CustomerView {
  Customer customer;
  std::int64_t row = 0;
  std::optional<CustomerMetrics> metrics;               // none before a refresh
  std::optional<std::pair<ClvRun, ClvPrediction>> clv;  // none before a prediction run
  std::vector<std::string> segments;                    // names, in the store's order
  std::vector<RecommendedProduct> recommendations;
};

// not_found when there is no such customer.
Result<CustomerView> customer_view(Store& store, std::string_view customer_id);

struct TimelineItem {
  enum class Kind { order, event };
  Kind kind = Kind::order;
  std::int64_t at = 0;  // unix seconds
  std::string id;
  std::string channel;
  std::string type;               // the order's status, or the event's type
  std::int64_t amount_minor = 0;  // orders
  std::string currency;           // orders
  std::string properties;         // events: their JSON
};

// Newest first (orders before events at the same second, as stored).
Result<std::vector<TimelineItem>> customer_timeline(Store& store, std::int64_t row);

enum class Ranking { score, risk };
// "score" or "risk"; invalid_argument otherwise.
Result<Ranking> parse_ranking(std::string_view name);

struct RankedCustomer {
  std::string id;
  double key = 0;  // what they are ranked by
  CustomerMetrics metrics;
};
// The first `limit` customers by the ranking, ties by row id.
Result<std::vector<RankedCustomer>> rank_customers(Store& store, Ranking by, std::size_t limit);

struct CustomerGroup {
  std::string name;  // an RFM group or a stage, in analytics' order (kRfmGroups, kStages)
  std::int64_t customers = 0;
  double share = 0;  // of every customer grouped
  std::optional<double> mean_days_since_order, mean_orders, mean_score;
  std::int64_t net_revenue_minor = 0;
};
struct Breakdown {
  std::int64_t as_of = 0;
  std::string currency;
  std::int64_t total = 0;
  std::vector<CustomerGroup> groups;  // every group, empty ones too
};
enum class Grouping { rfm, stage };
// not_found before the first refresh.
Result<Breakdown> group_customers(Store& store, Grouping by);

}  // namespace vafa::app
