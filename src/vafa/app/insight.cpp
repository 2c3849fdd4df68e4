#include "vafa/app/insight.hpp"

#include <algorithm>
#include <map>
#include <span>

#include "vafa/analytics/customer.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::app {

Result<CustomerView> customer_view(Store& store, std::string_view customer_id) {
  const std::string id(customer_id);
  CustomerView view;
  VAFA_TRY(view.customer, need(store.get_customer(id), "customer", id));
  VAFA_TRY(view.row, need(store.customer_row(id), "customer", id));
  VAFA_TRY(view.metrics, store.get_customer_metrics(view.row));
  VAFA_TRY(view.clv, store.get_clv_prediction(id));
  VAFA_TRY(const std::vector<std::int64_t> in, store.customer_segments(view.row));
  VAFA_TRY(const std::vector<Segment> all, store.segments());
  for (const Segment& s : all) {
    if (std::ranges::binary_search(in, s.id)) view.segments.push_back(s.name);
  }
  VAFA_TRY(const std::vector<RecommendationRow> recs, store.recommendations_for(view.row));
  for (const RecommendationRow& r : recs) {
    VAFA_TRY(const auto sku, store.product_sku(r.product));
    RecommendedProduct item{.sku = sku.value_or(""), .score = r.score, .reason = r.reason};
    if (r.because) {
      VAFA_TRY(item.because, store.product_sku(*r.because));
    }
    if (sku) {
      VAFA_TRY(const auto product, store.get_product(*sku));
      if (product) item.name = product->name;
    }
    view.recommendations.push_back(std::move(item));
  }
  return view;
}

Result<std::vector<TimelineItem>> customer_timeline(Store& store, std::int64_t row) {
  std::vector<TimelineItem> items;
  VAFA_CHECK(store.scan_orders(row, [&](const OrderRecord& o) -> Status {
    items.push_back({.kind = TimelineItem::Kind::order,
                     .at = o.placed_at,
                     .id = std::string(o.id),
                     .channel = std::string(o.channel),
                     .type = std::string(to_string(o.status)),
                     .amount_minor = o.total_minor,
                     .currency = std::string(o.currency)});
    return {};
  }));
  VAFA_CHECK(store.scan_events(row, [&](const EventRecord& e) -> Status {
    items.push_back({.kind = TimelineItem::Kind::event,
                     .at = e.occurred_at,
                     .id = std::string(e.id),
                     .channel = std::string(e.channel),
                     .type = std::string(e.type),
                     .properties = std::string(e.properties)});
    return {};
  }));
  std::ranges::stable_sort(items, std::greater<>{}, &TimelineItem::at);
  return items;
}

Result<Ranking> parse_ranking(std::string_view name) {
  if (name == "score") return Ranking::score;
  if (name == "risk") return Ranking::risk;
  return fail(ErrorCode::invalid_argument, "rank by score or risk, not '{}'", name);
}

Result<std::vector<RankedCustomer>> rank_customers(Store& store, Ranking by, std::size_t limit) {
  std::vector<RankedCustomer> ranked;
  VAFA_CHECK(store.scan_customer_metrics([&](const CustomerMetrics& m) -> Status {
    if (m.orders == 0) return {};
    if (by == Ranking::score && (m.stage == "lapsed" || m.stage == "at_risk")) return {};
    if (by == Ranking::risk && m.stage == "lapsed") return {};
    const double key =
        by == Ranking::score
            ? m.score
            : m.churn_risk * static_cast<double>(std::max<std::int64_t>(m.net_revenue_minor, 0));
    ranked.push_back({.key = key, .metrics = m});
    return {};
  }));
  const std::size_t n = std::min(limit, ranked.size());
  std::ranges::partial_sort(ranked, ranked.begin() + static_cast<std::ptrdiff_t>(n),
                            [](const RankedCustomer& a, const RankedCustomer& b) {
                              return a.key > b.key ||
                                     (a.key == b.key && a.metrics.customer < b.metrics.customer);
                            });
  ranked.resize(n);
  // The external ids of the few ranked, in one pass over the customers.
  std::map<std::int64_t, std::string*> wanted;
  for (RankedCustomer& r : ranked) wanted.emplace(r.metrics.customer, &r.id);
  VAFA_CHECK(store.scan_customers([&](std::int64_t row, std::string_view id) -> Status {
    if (auto found = wanted.find(row); found != wanted.end()) *found->second = id;
    return {};
  }));
  return ranked;
}

Result<Breakdown> group_customers(Store& store, Grouping by) {
  VAFA_TRY(const auto population, segments::stored_population(store));
  if (!population)
    return fail(ErrorCode::not_found, "nothing derived yet: run `vafa refresh` first");
  struct Sums {
    std::int64_t customers = 0, orders = 0, net = 0, buyers = 0;
    double days = 0, score = 0;
  };
  std::map<std::string, Sums, std::less<>> sums;
  Breakdown out{.as_of = population->as_of, .currency = population->currency};
  VAFA_CHECK(store.scan_customer_metrics([&](const CustomerMetrics& m) -> Status {
    const std::string& key = by == Grouping::rfm ? m.rfm_group : m.stage;
    if (key.empty()) return {};
    Sums& g = sums[key];
    ++g.customers;
    ++out.total;
    g.orders += m.orders;
    g.net += m.net_revenue_minor;
    g.score += m.score;
    if (m.last_order_at) {
      ++g.buyers;
      g.days += static_cast<double>(m.as_of - *m.last_order_at) / analytics::kDay;
    }
    return {};
  }));
  const std::span<const std::string_view> order =
      by == Grouping::rfm ? std::span<const std::string_view>(analytics::kRfmGroups)
                          : std::span<const std::string_view>(analytics::kStages);
  auto mean = [](double sum, std::int64_t n) {
    return n > 0 ? std::optional(sum / static_cast<double>(n)) : std::nullopt;
  };
  for (const std::string_view name : order) {
    const auto found = sums.find(name);
    const Sums g = found == sums.end() ? Sums{} : found->second;
    out.groups.push_back(CustomerGroup{
        .name = std::string(name),
        .customers = g.customers,
        .share =
            out.total ? static_cast<double>(g.customers) / static_cast<double>(out.total) : 0.0,
        .mean_days_since_order = mean(g.days, g.buyers),
        .mean_orders = mean(static_cast<double>(g.orders), g.customers),
        .mean_score = mean(g.score, g.customers),
        .net_revenue_minor = g.net});
  }
  return out;
}

}  // namespace vafa::app
