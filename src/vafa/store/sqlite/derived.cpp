// The SQLite backend's reads for the analytics and writes of what they derive: customer metrics,
// analytics state, change marks, segments with their members and history, marketing spend.

#include <algorithm>

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::each_row;
using sqlite::rows_of;
using sqlite::Statement;

namespace {

std::uint32_t channel_bit(std::string_view channel) {
  for (const Channel c : kAllChannels) {
    if (to_string(c) == channel) return 1U << static_cast<int>(c);
  }
  return 1U << static_cast<int>(Channel::other);
}

}  // namespace

Result<Statement*> SqliteStore::cached(const char* sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    VAFA_TRY(Statement prepared, prepare(sql));
    it = cached_.emplace(sql, std::move(prepared)).first;
  }
  return &it->second;
}

Status SqliteStore::flush_changes() {
  if (changed_.empty()) return {};
  std::ranges::sort(changed_);
  const auto [first, last] = std::ranges::unique(changed_);
  changed_.erase(first, last);
  // REPLACE gives a customer marked before a new seq (AUTOINCREMENT: larger than any before).
  VAFA_TRY(Statement * mark,
           cached("INSERT OR REPLACE INTO customer_changes(customer_id) VALUES(?1)"));
  for (const std::int64_t row : changed_) VAFA_CHECK(mark->bind(1, row).run());
  changed_.clear();
  return {};
}

// ---- analytics inputs -------------------------------------------------------------------------

Status SqliteStore::scan_orders(std::optional<std::int64_t> customer,
                                const std::function<Status(const OrderRecord&)>& visit) {
  VAFA_TRY(Statement * q,
           customer ? cached("SELECT customer_id, external_id, placed_at, total_minor, currency,"
                             " channel, status FROM orders WHERE customer_id = ?1"
                             " ORDER BY placed_at, id")
                    : cached("SELECT customer_id, external_id, placed_at, total_minor, currency,"
                             " channel, status FROM orders WHERE customer_id IS NOT NULL"
                             " ORDER BY customer_id, placed_at, id"));
  if (customer) q->bind(1, *customer);
  return each_row(*q, [&](Statement& r) -> Status {
    return visit(OrderRecord{
        .customer = r.column_int(0),
        .id = r.column_text(1),
        .placed_at = r.column_int(2),
        .total_minor = r.column_int(3),
        .currency = r.column_text(4),
        .channel = r.column_text(5),
        .status = sqlite::stored_order_status(r.column_text(6)),
    });
  });
}

Status SqliteStore::scan_events(std::optional<std::int64_t> customer,
                                const std::function<Status(const EventRecord&)>& visit) {
  VAFA_TRY(Statement * q,
           customer ? cached("SELECT customer_id, external_id, occurred_at, type, channel,"
                             " properties FROM events WHERE customer_id = ?1"
                             " ORDER BY occurred_at, id")
                    : cached("SELECT customer_id, external_id, occurred_at, type, channel,"
                             " properties FROM events WHERE customer_id IS NOT NULL"
                             " ORDER BY customer_id, occurred_at, id"));
  if (customer) q->bind(1, *customer);
  return each_row(*q, [&](Statement& r) -> Status {
    return visit(EventRecord{.customer = r.column_int(0),
                             .id = r.column_text(1),
                             .occurred_at = r.column_int(2),
                             .type = r.column_text(3),
                             .channel = r.column_text(4),
                             .properties = r.column_text(5)});
  });
}

Status SqliteStore::scan_customer_records(
    std::optional<std::int64_t> customer,
    const std::function<Status(const CustomerRecord&)>& visit) {
  // Consents come as "channel=granted,..." so one row carries a customer's whole profile.
  VAFA_TRY(Statement * q,
           customer
               ? cached("SELECT c.id, c.external_id, c.created_at, c.name, c.country, c.locale,"
                        " (SELECT group_concat(channel || '=' || granted) FROM consents"
                        "  WHERE customer_id = c.id) FROM customers c WHERE c.id = ?1")
               : cached("SELECT c.id, c.external_id, c.created_at, c.name, c.country, c.locale,"
                        " (SELECT group_concat(channel || '=' || granted) FROM consents"
                        "  WHERE customer_id = c.id) FROM customers c ORDER BY c.id"));
  if (customer) q->bind(1, *customer);
  return each_row(*q, [&](Statement& r) -> Status {
    CustomerRecord record{.row = r.column_int(0),
                          .id = r.column_text(1),
                          .created_at = r.column_int(2),
                          .name = r.column_text(3),
                          .country = r.column_text(4),
                          .locale = r.column_text(5)};
    std::string_view consents = r.column_text(6);
    while (!consents.empty()) {
      const std::size_t comma = consents.find(',');
      const std::string_view item = consents.substr(0, comma);
      const std::size_t eq = item.rfind('=');
      if (eq != std::string_view::npos) {
        const std::uint32_t bit = channel_bit(item.substr(0, eq));
        record.consent_asked |= bit;
        if (item.substr(eq + 1) == "1") record.consent_granted |= bit;
      }
      if (comma == std::string_view::npos) break;
      consents.remove_prefix(comma + 1);
    }
    return visit(record);
  });
}

Status SqliteStore::scan_clv_predictions(std::optional<std::int64_t> customer,
                                         const std::function<Status(const ClvPrediction&)>& visit) {
  VAFA_TRY(Statement * q, customer
                              ? cached("SELECT customer_id, frequency, recency, age, p_alive,"
                                       " expected_purchases, expected_order_value_minor, clv_minor"
                                       " FROM clv_predictions WHERE customer_id = ?1")
                              : cached("SELECT customer_id, frequency, recency, age, p_alive,"
                                       " expected_purchases, expected_order_value_minor, clv_minor"
                                       " FROM clv_predictions ORDER BY customer_id"));
  if (customer) q->bind(1, *customer);
  return each_row(*q, [&](Statement& r) -> Status {
    return visit(ClvPrediction{.customer = r.column_int(0),
                               .frequency = r.column_double(1),
                               .recency = r.column_double(2),
                               .age = r.column_double(3),
                               .p_alive = r.column_double(4),
                               .expected_purchases = r.column_double(5),
                               .expected_order_value_minor = r.column_optional_int(6),
                               .clv_minor = r.column_optional_int(7)});
  });
}

Result<std::optional<ClvRun>> SqliteStore::latest_clv_run() {
  VAFA_TRY(
      Statement * q,
      cached("SELECT model, params, calibration_end, unit, horizon, discount_rate, currency,"
             " created_at FROM clv_runs WHERE id = (SELECT MAX(run_id) FROM clv_predictions)"));
  std::optional<ClvRun> run;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    run = ClvRun{.model = std::string(r.column_text(0)),
                 .params_json = std::string(r.column_text(1)),
                 .calibration_end = r.column_int(2),
                 .unit = std::string(r.column_text(3)),
                 .horizon = r.column_double(4),
                 .discount_rate = r.column_double(5),
                 .currency = std::string(r.column_text(6)),
                 .created_at = r.column_int(7)};
    return {};
  }));
  return run;
}

Result<std::optional<std::int64_t>> SqliteStore::lookup_row(const char* sql, std::string_view key) {
  VAFA_TRY(Statement * q, cached(sql));
  q->bind(1, key);
  std::optional<std::int64_t> row;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    row = r.column_int(0);
    return {};
  }));
  return row;
}

Result<std::optional<std::int64_t>> SqliteStore::customer_row(std::string_view id) {
  return lookup_row("SELECT id FROM customers WHERE external_id = ?1", id);
}

// ---- customer metrics ----------------------------------------------------------------------

namespace {

constexpr const char* kMetricsColumns =
    "customer_id, as_of, orders, first_order_at, last_order_at, revenue_minor,"
    " net_revenue_minor, returns, cycle_days, recency_score, frequency_score, monetary_score,"
    " rfm_group, stage, score, components, advocacy, engagement_events, nps, churn_risk";

CustomerMetrics read_metrics(const Statement& r) {
  const std::string_view group = r.column_text(12);
  return CustomerMetrics{.customer = r.column_int(0),
                         .as_of = r.column_int(1),
                         .orders = r.column_int(2),
                         .first_order_at = r.column_optional_int(3),
                         .last_order_at = r.column_optional_int(4),
                         .revenue_minor = r.column_int(5),
                         .net_revenue_minor = r.column_int(6),
                         .returns = r.column_int(7),
                         .cycle_days = r.column_optional_double(8),
                         .recency_score = r.column_optional_int(9),
                         .frequency_score = r.column_optional_int(10),
                         .monetary_score = r.column_optional_int(11),
                         .rfm_group = std::string(group),
                         .stage = std::string(r.column_text(13)),
                         .score = r.column_double(14),
                         .components_json = std::string(r.column_text(15)),
                         .advocacy = std::string(r.column_text(16)),
                         .engagement_events = r.column_int(17),
                         .nps = r.column_optional_int(18),
                         .churn_risk = r.column_double(19)};
}

}  // namespace

Status SqliteStore::put_customer_metrics(const CustomerMetrics& m) {
  static const std::string sql = fmt::format(
      "INSERT OR REPLACE INTO customer_metrics({}) VALUES"
      "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)",
      kMetricsColumns);
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, m.customer)
      .bind(2, m.as_of)
      .bind(3, m.orders)
      .bind(4, m.first_order_at)
      .bind(5, m.last_order_at)
      .bind(6, m.revenue_minor)
      .bind(7, m.net_revenue_minor)
      .bind(8, m.returns)
      .bind(9, m.cycle_days)
      .bind(10, m.recency_score)
      .bind(11, m.frequency_score)
      .bind(12, m.monetary_score)
      .bind(14, m.stage)
      .bind(15, m.score)
      .bind(16, m.components_json)
      .bind(17, m.advocacy)
      .bind(18, m.engagement_events)
      .bind(19, m.nps)
      .bind(20, m.churn_risk);
  if (m.rfm_group.empty()) {
    q->bind_null(13);
  } else {
    q->bind(13, m.rfm_group);
  }
  return in_transaction([&] { return q->run(); });
}

Result<std::optional<CustomerMetrics>> SqliteStore::get_customer_metrics(std::int64_t customer) {
  static const std::string sql =
      fmt::format("SELECT {} FROM customer_metrics WHERE customer_id = ?1", kMetricsColumns);
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, customer);
  std::optional<CustomerMetrics> found;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    found = read_metrics(r);
    return {};
  }));
  return found;
}

Status SqliteStore::scan_customer_metrics(
    const std::function<Status(const CustomerMetrics&)>& visit) {
  static const std::string sql =
      fmt::format("SELECT {} FROM customer_metrics ORDER BY customer_id", kMetricsColumns);
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  return each_row(*q, [&](Statement& r) { return visit(read_metrics(r)); });
}

Status SqliteStore::put_state(std::string_view name, std::string_view value) {
  VAFA_TRY(Statement * q,
           cached("INSERT OR REPLACE INTO analytics_state(name, value) VALUES(?1, ?2)"));
  return in_transaction([&] { return q->bind(1, name).bind(2, value).run(); });
}

Result<std::optional<std::string>> SqliteStore::get_state(std::string_view name) {
  VAFA_TRY(Statement * q, cached("SELECT value FROM analytics_state WHERE name = ?1"));
  q->bind(1, name);
  std::optional<std::string> value;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    value = std::string(r.column_text(0));
    return {};
  }));
  return value;
}

// ---- change marks ----------------------------------------------------------------------------

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> SqliteStore::changed_customers() {
  VAFA_TRY(Statement * q, cached("SELECT seq, customer_id FROM customer_changes ORDER BY seq"));
  std::vector<std::pair<std::int64_t, std::int64_t>> rows;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    rows.emplace_back(r.column_int(0), r.column_int(1));
    return {};
  }));
  return rows;
}

Status SqliteStore::clear_changes(std::int64_t up_to_seq) {
  VAFA_TRY(Statement * q, cached("DELETE FROM customer_changes WHERE seq <= ?1"));
  return in_transaction([&] { return q->bind(1, up_to_seq).run(); });
}

Result<std::int64_t> SqliteStore::last_change_seq() {
  VAFA_TRY(Statement * q, cached("SELECT COALESCE((SELECT seq FROM sqlite_sequence"
                                 " WHERE name = 'customer_changes'), 0)"));
  std::int64_t seq = 0;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    seq = r.column_int(0);
    return {};
  }));
  return seq;
}

// ---- segments --------------------------------------------------------------------------------

namespace {

constexpr const char* kSegmentColumns =
    "id, name, rule, description, created_at, members, evaluated_at";

Segment read_segment(const Statement& r) {
  return Segment{.id = r.column_int(0),
                 .name = std::string(r.column_text(1)),
                 .rule = std::string(r.column_text(2)),
                 .description = std::string(r.column_text(3)),
                 .created_at = r.column_int(4),
                 .members = r.column_int(5),
                 .evaluated_at = r.column_optional_int(6)};
}

}  // namespace

Result<std::int64_t> SqliteStore::create_segment(const Segment& segment) {
  VAFA_TRY(std::optional<Segment> existing, get_segment(segment.name));
  if (existing) return fail(ErrorCode::conflict, "a segment named '{}' exists", segment.name);
  VAFA_TRY(Statement * q, cached("INSERT INTO segments(name, rule, description, created_at)"
                                 " VALUES(?1, ?2, ?3, ?4)"));
  VAFA_CHECK(in_transaction([&] {
    return q->bind(1, segment.name)
        .bind(2, segment.rule)
        .bind(3, segment.description)
        .bind(4, segment.created_at)
        .run();
  }));
  return sqlite3_last_insert_rowid(db_);
}

Status SqliteStore::delete_segment(std::string_view name) {
  VAFA_TRY(Statement * q, cached("DELETE FROM segments WHERE name = ?1"));
  VAFA_CHECK(in_transaction([&] { return q->bind(1, name).run(); }));
  if (sqlite3_changes(db_) == 0) return fail(ErrorCode::not_found, "no segment named '{}'", name);
  return {};
}

Result<std::vector<Segment>> SqliteStore::segments() {
  static const std::string sql =
      fmt::format("SELECT {} FROM segments ORDER BY id", kSegmentColumns);
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  return rows_of(*q, read_segment);
}

Result<std::optional<Segment>> SqliteStore::get_segment(std::string_view name) {
  static const std::string sql =
      fmt::format("SELECT {} FROM segments WHERE name = ?1", kSegmentColumns);
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, name);
  std::optional<Segment> found;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    found = read_segment(r);
    return {};
  }));
  return found;
}

Status SqliteStore::scan_segment_members(
    std::int64_t segment,
    const std::function<Status(std::int64_t customer, std::int64_t since)>& visit) {
  VAFA_TRY(Statement * q, cached("SELECT customer_id, since FROM segment_members"
                                 " WHERE segment_id = ?1 ORDER BY customer_id"));
  q->bind(1, segment);
  return each_row(*q, [&](Statement& r) { return visit(r.column_int(0), r.column_int(1)); });
}

Result<std::vector<SegmentMember>> SqliteStore::segment_members(std::int64_t segment,
                                                                std::int64_t after,
                                                                std::size_t limit) {
  VAFA_TRY(Statement * q,
           cached("SELECT m.customer_id, c.external_id, m.since FROM segment_members m"
                  " JOIN customers c ON c.id = m.customer_id"
                  " WHERE m.segment_id = ?1 AND m.customer_id > ?2 ORDER BY m.customer_id"
                  " LIMIT ?3"));
  q->bind(1, segment).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  return rows_of(*q, [](Statement& r) {
    return SegmentMember{.customer = r.column_int(0),
                         .customer_id = std::string(r.column_text(1)),
                         .since = r.column_int(2)};
  });
}

Result<std::vector<std::int64_t>> SqliteStore::customer_segments(std::int64_t customer) {
  VAFA_TRY(Statement * q, cached("SELECT segment_id FROM segment_members WHERE customer_id = ?1"
                                 " ORDER BY segment_id"));
  q->bind(1, customer);
  return rows_of(*q, [](Statement& r) { return r.column_int(0); });
}

Status SqliteStore::apply_segment_changes(std::int64_t segment,
                                          std::span<const std::int64_t> entered,
                                          std::span<const std::int64_t> exited, std::int64_t at) {
  VAFA_TRY(Statement * add, cached("INSERT INTO segment_members(segment_id, customer_id, since)"
                                   " VALUES(?1, ?2, ?3)"));
  VAFA_TRY(Statement * remove,
           cached("DELETE FROM segment_members WHERE segment_id = ?1 AND customer_id = ?2"));
  VAFA_TRY(Statement * log,
           cached("INSERT INTO segment_history(segment_id, customer_id, change, at)"
                  " VALUES(?1, ?2, ?3, ?4)"));
  VAFA_TRY(Statement * count,
           cached("UPDATE segments SET members = members + ?2, evaluated_at = ?3 WHERE id = ?1"));
  VAFA_TRY(Statement * size, cached("INSERT OR REPLACE INTO segment_sizes(segment_id, at, members)"
                                    " SELECT id, ?2, members FROM segments WHERE id = ?1"));
  return in_transaction([&]() -> Status {
    for (const std::int64_t customer : exited) {
      VAFA_CHECK(remove->bind(1, segment).bind(2, customer).run());
      VAFA_CHECK(log->bind(1, segment).bind(2, customer).bind(3, "exit").bind(4, at).run());
    }
    for (const std::int64_t customer : entered) {
      VAFA_CHECK(add->bind(1, segment).bind(2, customer).bind(3, at).run());
      VAFA_CHECK(log->bind(1, segment).bind(2, customer).bind(3, "enter").bind(4, at).run());
    }
    const auto delta =
        static_cast<std::int64_t>(entered.size()) - static_cast<std::int64_t>(exited.size());
    VAFA_CHECK(count->bind(1, segment).bind(2, delta).bind(3, at).run());
    return size->bind(1, segment).bind(2, at).run();
  });
}

Result<std::vector<SegmentChange>> SqliteStore::segment_history(std::int64_t segment,
                                                                std::int64_t after,
                                                                std::size_t limit) {
  VAFA_TRY(Statement * q,
           cached("SELECT id, segment_id, customer_id, change, at FROM segment_history"
                  " WHERE (?1 = 0 OR segment_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3"));
  q->bind(1, segment).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  return rows_of(*q, [](Statement& r) {
    return SegmentChange{.id = r.column_int(0),
                         .segment = r.column_int(1),
                         .customer = r.column_int(2),
                         .entered = r.column_text(3) == "enter",
                         .at = r.column_int(4)};
  });
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> SqliteStore::segment_sizes(
    std::int64_t segment) {
  VAFA_TRY(Statement * q, cached("SELECT at, members FROM segment_sizes WHERE segment_id = ?1"
                                 " ORDER BY at"));
  q->bind(1, segment);
  std::vector<std::pair<std::int64_t, std::int64_t>> sizes;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    sizes.emplace_back(r.column_int(0), r.column_int(1));
    return {};
  }));
  return sizes;
}

// ---- marketing spend -------------------------------------------------------------------------

Status SqliteStore::put_spend(const SpendRecord& row, std::int64_t run) {
  if (row.amount_minor < 0) return fail(ErrorCode::invalid_argument, "spend is negative");
  VAFA_TRY(Statement * q,
           cached("INSERT INTO marketing_spend(day, channel, campaign, currency, amount_minor,"
                  " import_run) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
                  " ON CONFLICT(day, channel, campaign, currency) DO UPDATE SET"
                  " amount_minor = CASE WHEN import_run IS excluded.import_run"
                  " THEN amount_minor + excluded.amount_minor ELSE excluded.amount_minor END,"
                  " import_run = excluded.import_run"));
  return in_transaction([&] {
    return q->bind(1, row.day)
        .bind(2, row.channel)
        .bind(3, row.campaign)
        .bind(4, row.currency)
        .bind(5, row.amount_minor)
        .bind(6, run)
        .run();
  });
}

Status SqliteStore::scan_spend(const std::function<Status(const SpendRecord&)>& visit) {
  VAFA_TRY(Statement * q, cached("SELECT day, channel, campaign, currency, amount_minor"
                                 " FROM marketing_spend ORDER BY day, channel, campaign"));
  return each_row(*q, [&](Statement& r) {
    return visit(SpendRecord{.day = r.column_int(0),
                             .channel = std::string(r.column_text(1)),
                             .campaign = std::string(r.column_text(2)),
                             .currency = std::string(r.column_text(3)),
                             .amount_minor = r.column_int(4)});
  });
}

}  // namespace vafa
