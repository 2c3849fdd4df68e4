// The SQLite backend's dashboard views and the dashboard's customer table (migration 0016).

#include <array>

#include <fmt/core.h>

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::first_row;
using sqlite::rows_of;
using sqlite::Statement;

Status SqliteStore::put_dashboard_view(const DashboardView& view) {
  VAFA_TRY(Statement * q, cached("INSERT OR REPLACE INTO dashboard_views(name, as_of, computed_at,"
                                 " body) VALUES(?1, ?2, ?3, ?4)"));
  return in_transaction([&] {
    return q->bind(1, std::string_view(view.name))
        .bind(2, view.as_of)
        .bind(3, view.computed_at)
        .bind(4, std::string_view(view.body))
        .run();
  });
}

Result<std::optional<DashboardView>> SqliteStore::dashboard_view(std::string_view name) {
  VAFA_TRY(Statement * q,
           cached("SELECT name, as_of, computed_at, body FROM dashboard_views WHERE name = ?1"));
  q->bind(1, name);
  return first_row(*q, [](Statement& r) {
    return DashboardView{.name = std::string(r.column_text(0)),
                         .as_of = r.column_int(1),
                         .computed_at = r.column_int(2),
                         .body = std::string(r.column_text(3))};
  });
}

namespace {

constexpr std::array<CustomerSort, 5> kSorts = {CustomerSort::net_revenue, CustomerSort::orders,
                                                CustomerSort::score, CustomerSort::churn_risk,
                                                CustomerSort::clv};

std::string_view sort_column(CustomerSort sort) {
  switch (sort) {
    case CustomerSort::net_revenue: return "m.net_revenue_minor";
    case CustomerSort::orders: return "m.orders";
    case CustomerSort::score: return "m.score";
    case CustomerSort::churn_risk: return "m.churn_risk";
    case CustomerSort::clv: return "p.clv_minor";
  }
  return "m.net_revenue_minor";
}

// The query for one sort key, direction and cursor. The leading table is the one whose index
// gives the order, so SQLite walks the index and stops at LIMIT instead of sorting everyone.
std::string page_sql(CustomerSort sort, bool descending, bool after) {
  const std::string_view column = sort_column(sort);
  const bool by_clv = sort == CustomerSort::clv;
  const char* order = descending ? "DESC" : "ASC";
  const std::string_view from =
      by_clv ? "clv_predictions p JOIN customer_metrics m ON m.customer_id = p.customer_id"
             : "customer_metrics m LEFT JOIN clv_predictions p ON p.customer_id = m.customer_id";
  std::string where = by_clv ? "p.clv_minor IS NOT NULL" : "1";
  if (after) {
    where += fmt::format(" AND ({}, m.customer_id) {} (?1, ?2)", column, descending ? "<" : ">");
  }
  return fmt::format(
      "SELECT m.customer_id, c.external_id, c.name, c.country, m.orders, m.net_revenue_minor,"
      " m.score, m.churn_risk, m.stage, m.advocacy, p.clv_minor, p.p_alive, {0}"
      " FROM {1} JOIN customers c ON c.id = m.customer_id WHERE {2}"
      " ORDER BY {0} {3}, m.customer_id {3} LIMIT ?3",
      column, from, where, order);
}

// Every variant, built once: the statement cache is keyed by the text's address.
const std::string& page_query(CustomerSort sort, bool descending, bool after) {
  static const std::array<std::string, kSorts.size()* 4> all = [] {
    std::array<std::string, kSorts.size() * 4> out;
    for (std::size_t i = 0; i < kSorts.size(); ++i) {
      for (int v = 0; v < 4; ++v) out[i * 4 + v] = page_sql(kSorts[i], (v & 1) != 0, (v & 2) != 0);
    }
    return out;
  }();
  const auto index = static_cast<std::size_t>(sort);
  return all[index * 4 + (descending ? 1 : 0) + (after ? 2 : 0)];
}

}  // namespace

Result<std::vector<CustomerListRow>> SqliteStore::customer_page(const CustomerPageQuery& query) {
  const std::string& sql = page_query(query.sort, query.descending, query.after.has_value());
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  if (query.after) q->bind(1, query.after->first).bind(2, query.after->second);
  q->bind(3, static_cast<std::int64_t>(query.limit));
  return rows_of(*q, [](Statement& r) {
    return CustomerListRow{.row = r.column_int(0),
                           .customer_id = std::string(r.column_text(1)),
                           .name = std::string(r.column_text(2)),
                           .country = std::string(r.column_text(3)),
                           .orders = r.column_int(4),
                           .net_revenue_minor = r.column_int(5),
                           .score = r.column_double(6),
                           .churn_risk = r.column_double(7),
                           .stage = std::string(r.column_text(8)),
                           .advocacy = std::string(r.column_text(9)),
                           .clv_minor = r.column_optional_int(10),
                           .p_alive = r.column_optional_double(11),
                           .sort_value = r.column_double(12)};
  });
}

}  // namespace vafa
