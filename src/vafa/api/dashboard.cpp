// The dashboard's reads (docs/dashboard.md): the precomputed views, the customer table sorted
// and paged on the server, and the live count of a segment rule being edited.
#include <charconv>
#include <cmath>
#include <limits>

#include "vafa/api/handlers.hpp"
#include "vafa/api/json_mapping.hpp"
#include "vafa/app/insight.hpp"
#include "vafa/report/views.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::api::detail {

namespace {

constexpr std::pair<std::string_view, CustomerSort> kSortKeys[] = {
    {"net_revenue", CustomerSort::net_revenue},
    {"orders", CustomerSort::orders},
    {"score", CustomerSort::score},
    {"churn_risk", CustomerSort::churn_risk},
    {"clv", CustomerSort::clv}};

// "VALUE~ROW": the sort value (shortest form that reads back exactly) and the row id.
std::string cursor_of(const CustomerListRow& row) {
  return fmt::format("{}~{}", row.sort_value, row.row);
}

std::optional<std::pair<double, std::int64_t>> parse_cursor(std::string_view text) {
  const auto tilde = text.find('~');
  if (tilde == std::string_view::npos) return std::nullopt;
  double value = 0;
  std::int64_t row = 0;
  const std::string_view v = text.substr(0, tilde), r = text.substr(tilde + 1);
  const auto [vend, verr] = std::from_chars(v.data(), v.data() + v.size(), value);
  const auto [rend, rerr] = std::from_chars(r.data(), r.data() + r.size(), row);
  if (verr != std::errc{} || vend != v.data() + v.size() || rerr != std::errc{} ||
      rend != r.data() + r.size() || !std::isfinite(value) || v.empty() || r.empty()) {
    return std::nullopt;
  }
  return std::pair{value, row};
}

}  // namespace

Step dashboard_view(const Service&, Call& call) {
  const std::string& name = call.params[0];
  if (!report::known_view(name)) return fail(ErrorCode::not_found, "no view named '{}'", name);
  auto view = call.store.dashboard_view(name);
  if (!view) return from(view.error());
  if (!*view) {
    return fail(ErrorCode::not_found, "the view '{}' has not been computed yet: run `vafa refresh`",
                name);
  }
  // The stored body is already JSON: it is sent as it is, not parsed and printed again.
  Json head = {{"name", name},
               {"as_of", format_iso8601(from_unix_seconds((*view)->as_of))},
               {"computed_at", format_iso8601(from_unix_seconds((*view)->computed_at))}};
  std::string body = head.dump();
  body.pop_back();
  body += ",\"body\":";
  body += (*view)->body;
  body += '}';
  return ok_body("application/json", std::move(body));
}

Step dashboard_customers(const Service&, Call& call) {
  CustomerPageQuery query;
  if (const std::string* sort = call.target.param("sort")) {
    const auto* found =
        std::ranges::find(kSortKeys, *sort, &std::pair<std::string_view, CustomerSort>::first);
    if (found == std::end(kSortKeys)) {
      return fail(ErrorCode::invalid_argument,
                  "sort must be one of net_revenue, orders, score, churn_risk, clv");
    }
    query.sort = found->second;
  }
  if (const std::string* order = call.target.param("order")) {
    if (*order != "asc" && *order != "desc")
      return fail(ErrorCode::invalid_argument, "order must be asc or desc");
    query.descending = *order == "desc";
  }
  const std::int64_t limit = limit_of(call.target, 50, 500);
  if (limit < 0)
    return fail(ErrorCode::invalid_argument, "limit must be a whole number from 1 to 500");
  query.limit = static_cast<std::size_t>(limit);
  if (const std::string* cursor = call.target.param("cursor")) {
    query.after = parse_cursor(*cursor);
    if (!query.after)
      return fail(ErrorCode::invalid_argument, "cursor must be a next_cursor this API gave");
  }
  auto rows = call.store.customer_page(query);
  if (!rows) return from(rows.error());
  Json items = Json::array();
  for (const CustomerListRow& r : *rows) items.push_back(report::customer_row_json(r));
  Json out = {{"items", std::move(items)}};
  out["next_cursor"] = static_cast<std::int64_t>(rows->size()) == limit
                           ? Json(cursor_of(rows->back()))
                           : Json(nullptr);
  return ok(out);
}

Step customer_timeline(const Service&, Call& call) {
  const std::int64_t limit = limit_of(call.target, 100, 1000);
  if (limit < 0)
    return fail(ErrorCode::invalid_argument, "limit must be a whole number from 1 to 1000");
  auto row = need(call.store.customer_row(call.params[0]), "customer", call.params[0]);
  if (!row) return from(row.error());
  // Orders and events of every channel, newest first.
  auto items = app::customer_timeline(call.store, *row);
  if (!items) return from(items.error());
  Json out = Json::array();
  for (std::size_t i = 0; i < items->size() && i < static_cast<std::size_t>(limit); ++i) {
    const app::TimelineItem& item = (*items)[i];
    Json json = {{"kind", item.kind == app::TimelineItem::Kind::order ? "order" : "event"},
                 {"id", item.id},
                 {"at", format_iso8601(from_unix_seconds(item.at))},
                 {"channel", item.channel},
                 {"type", item.type}};
    if (item.kind == app::TimelineItem::Kind::order) {
      json["amount_minor"] = item.amount_minor;
      json["currency"] = item.currency;
    }
    out.push_back(std::move(json));
  }
  return ok({{"customer_id", call.params[0]}, {"total", items->size()}, {"items", std::move(out)}});
}

Step segment_preview(const Service&, Call& call) {
  const std::string* rule = call.target.param("rule");
  if (rule == nullptr || rule->empty())
    return fail(ErrorCode::invalid_argument, "give the rule: ?rule=...");
  // A rule that does not check is an answer, not a failure: the editor marks where it is wrong.
  auto parsed = segments::Rule::parse(*rule, segments::customer_schema());
  if (!parsed) {
    const segments::RuleError& e = parsed.error();
    Json args = Json::object();
    for (const auto& [name, value] : e.args) args[name] = value;
    return ok({{"valid", false},
               {"errors", Json::array({{{"column", e.column},
                                        {"message", e.message},
                                        {"code", e.code.empty() ? Json(nullptr) : Json(e.code)},
                                        {"args", std::move(args)}}})}});
  }
  // Counting reads every customer's stored figures: seconds on a large store, so not here.
  return SlowRead{[rule = *rule](Store& store) -> Result<Reply> {
    VAFA_TRY(const segments::Preview preview, segments::preview(store, rule, 5));
    return ok({{"valid", true},
               {"count", preview.count},
               {"customers", preview.customers},
               {"errors", Json::array()}});
  }};
}

}  // namespace vafa::api::detail
