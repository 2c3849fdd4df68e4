// The SQLite backend's referrals and affiliates (migration 0014).

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::each_row;
using sqlite::first_int;
using sqlite::first_row;
using sqlite::rows_of;
using sqlite::Statement;

namespace {

constexpr const char* kReferralColumns =
    "f.referee, f.referrer, f.code, f.at, f.order_id, f.credited_at, e.external_id, r.external_id"
    " FROM referrals f JOIN customers e ON e.id = f.referee JOIN customers r ON r.id = f.referrer";

Referral referral_row(Statement& r) {
  Referral referral{.referee = r.column_int(0),
                    .referrer = r.column_int(1),
                    .code = std::string(r.column_text(2)),
                    .at = r.column_int(3),
                    .credited_at = r.column_optional_int(5),
                    .referee_id = std::string(r.column_text(6)),
                    .referrer_id = std::string(r.column_text(7))};
  if (!r.column_is_null(4)) referral.order_id = std::string(r.column_text(4));
  return referral;
}

ReferralCode code_row(Statement& r) {
  return ReferralCode{.customer = r.column_int(0),
                      .customer_id = std::string(r.column_text(1)),
                      .code = std::string(r.column_text(2)),
                      .created_at = r.column_int(3)};
}

constexpr const char* kAffiliateColumns = "id, code, name, rate_bp, active, created_at";

Affiliate affiliate_row(Statement& r) {
  return Affiliate{.id = r.column_int(0),
                   .code = std::string(r.column_text(1)),
                   .name = std::string(r.column_text(2)),
                   .rate_bp = r.column_int(3),
                   .active = r.column_int(4) != 0,
                   .created_at = r.column_int(5)};
}

}  // namespace

// ---- referrals ------------------------------------------------------------------------------

Result<std::optional<ReferralCode>> SqliteStore::referral_code_of(std::int64_t customer) {
  VAFA_TRY(Statement * q, cached("SELECT k.customer, c.external_id, k.code, k.created_at"
                                 " FROM referral_codes k JOIN customers c ON c.id = k.customer"
                                 " WHERE k.customer = ?1"));
  q->bind(1, customer);
  return first_row(*q, code_row);
}

Result<std::optional<ReferralCode>> SqliteStore::referral_code(std::string_view code) {
  VAFA_TRY(Statement * q, cached("SELECT k.customer, c.external_id, k.code, k.created_at"
                                 " FROM referral_codes k JOIN customers c ON c.id = k.customer"
                                 " WHERE k.code = ?1"));
  q->bind(1, code);
  return first_row(*q, code_row);
}

Status SqliteStore::put_referral_code(const ReferralCode& code) {
  VAFA_TRY(Statement * q,
           cached("INSERT INTO referral_codes(customer, code, created_at) VALUES(?1, ?2, ?3)"));
  return in_transaction([&]() -> Status {
    return q->bind(1, code.customer)
        .bind(2, std::string_view(code.code))
        .bind(3, code.created_at)
        .run();
  });
}

Status SqliteStore::put_referral(const Referral& referral) {
  VAFA_TRY(Statement * q, cached("INSERT INTO referrals(referee, referrer, code, at)"
                                 " VALUES(?1, ?2, ?3, ?4)"));
  return in_transaction([&]() -> Status {
    return q->bind(1, referral.referee)
        .bind(2, referral.referrer)
        .bind(3, std::string_view(referral.code))
        .bind(4, referral.at)
        .run();
  });
}

Result<std::optional<Referral>> SqliteStore::referral_of(std::int64_t referee) {
  static const std::string sql =
      std::string("SELECT ") + kReferralColumns + " WHERE f.referee = ?1";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, referee);
  return first_row(*q, referral_row);
}

Result<std::optional<Referral>> SqliteStore::referral_by_order(std::string_view order_id) {
  static const std::string sql =
      std::string("SELECT ") + kReferralColumns + " WHERE f.order_id = ?1";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, order_id);
  return first_row(*q, referral_row);
}

Result<std::vector<Referral>> SqliteStore::referrals_by(std::int64_t referrer) {
  static const std::string sql =
      std::string("SELECT ") + kReferralColumns + " WHERE f.referrer = ?1 ORDER BY f.at, f.referee";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, referrer);
  return rows_of(*q, referral_row);
}

Status SqliteStore::set_referral_order(std::int64_t referee,
                                       const std::optional<std::string>& order,
                                       std::optional<std::int64_t> at) {
  VAFA_TRY(Statement * q,
           cached("UPDATE referrals SET order_id = ?2, credited_at = ?3 WHERE referee = ?1"));
  return in_transaction([&]() -> Status {
    q->bind(1, referee);
    if (order) {
      q->bind(2, std::string_view(*order));
    } else {
      q->bind_null(2);
    }
    VAFA_CHECK(q->bind(3, at).run());
    if (sqlite3_changes(db_) == 0) return fail(ErrorCode::not_found, "no referral of {}", referee);
    return {};
  });
}

Result<std::int64_t> SqliteStore::placed_orders(std::int64_t customer) {
  VAFA_TRY(Statement * q, cached("SELECT COUNT(*) FROM orders"
                                 " WHERE customer_id = ?1 AND status = 'placed'"));
  q->bind(1, customer);
  return first_int(*q);
}

Result<std::vector<std::int64_t>> SqliteStore::customers_born_on(std::string_view month_day) {
  VAFA_TRY(Statement * q, cached("SELECT id FROM customers WHERE birthday IS NOT NULL"
                                 " AND substr(birthday, 6, 5) = ?1 ORDER BY id"));
  q->bind(1, month_day);
  return rows_of(*q, [](Statement& r) { return r.column_int(0); });
}

// ---- affiliates -----------------------------------------------------------------------------

Result<std::int64_t> SqliteStore::put_affiliate(const Affiliate& affiliate) {
  VAFA_TRY(Statement * insert, cached("INSERT INTO affiliates(code, name, rate_bp, active,"
                                      " created_at) VALUES(?1, ?2, ?3, ?4, ?5)"));
  VAFA_TRY(Statement * update, cached("UPDATE affiliates SET code = ?1, name = ?2, rate_bp = ?3,"
                                      " active = ?4 WHERE id = ?6"));
  std::int64_t id = affiliate.id;
  const Status written = in_transaction([&]() -> Status {
    Statement& q = affiliate.id == 0 ? *insert : *update;
    q.bind(1, std::string_view(affiliate.code))
        .bind(2, std::string_view(affiliate.name))
        .bind(3, affiliate.rate_bp)
        .bind(4, std::int64_t{affiliate.active ? 1 : 0});
    if (affiliate.id == 0) {
      q.bind(5, affiliate.created_at);
    } else {
      q.bind(6, affiliate.id);
    }
    VAFA_CHECK(q.run());
    if (affiliate.id == 0) id = sqlite3_last_insert_rowid(db_);
    if (affiliate.id != 0 && sqlite3_changes(db_) == 0) {
      return fail(ErrorCode::not_found, "no affiliate {}", affiliate.id);
    }
    return {};
  });
  if (!written) {
    if (written.error().code == ErrorCode::conflict) {
      return fail(ErrorCode::conflict, "an affiliate with the code '{}' exists already",
                  affiliate.code);
    }
    return std::unexpected(written.error());
  }
  return id;
}

Result<std::optional<Affiliate>> SqliteStore::get_affiliate(std::string_view code) {
  static const std::string sql =
      std::string("SELECT ") + kAffiliateColumns + " FROM affiliates WHERE code = ?1";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, code);
  return first_row(*q, affiliate_row);
}

Result<std::vector<Affiliate>> SqliteStore::affiliates() {
  static const std::string sql =
      std::string("SELECT ") + kAffiliateColumns + " FROM affiliates ORDER BY code";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  return rows_of(*q, affiliate_row);
}

Result<bool> SqliteStore::add_affiliate_entry(const AffiliateEntry& e) {
  VAFA_TRY(Statement * q,
           cached("INSERT INTO affiliate_entries(affiliate, order_id, kind, cause, at, currency,"
                  " sales_minor, rate_bp, commission_minor)"
                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(cause) DO NOTHING"));
  bool added = false;
  const Status done = in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, e.affiliate)
                   .bind(2, std::string_view(e.order_id))
                   .bind(3, std::string_view(e.kind))
                   .bind(4, std::string_view(e.cause))
                   .bind(5, e.at)
                   .bind(6, std::string_view(e.currency))
                   .bind(7, e.sales_minor)
                   .bind(8, e.rate_bp)
                   .bind(9, e.commission_minor)
                   .run());
    added = sqlite3_changes(db_) > 0;
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return added;
}

Result<std::vector<AffiliateEntry>> SqliteStore::affiliate_entries_of(std::string_view order_id) {
  VAFA_TRY(Statement * q,
           cached("SELECT id, affiliate, order_id, kind, cause, at, currency, sales_minor,"
                  " rate_bp, commission_minor FROM affiliate_entries WHERE order_id = ?1"
                  " ORDER BY id"));
  q->bind(1, order_id);
  return rows_of(*q, [](Statement& r) {
    return AffiliateEntry{.id = r.column_int(0),
                          .affiliate = r.column_int(1),
                          .order_id = std::string(r.column_text(2)),
                          .kind = std::string(r.column_text(3)),
                          .cause = std::string(r.column_text(4)),
                          .at = r.column_int(5),
                          .currency = std::string(r.column_text(6)),
                          .sales_minor = r.column_int(7),
                          .rate_bp = r.column_int(8),
                          .commission_minor = r.column_int(9)};
  });
}

Result<std::vector<AffiliatePayable>> SqliteStore::affiliate_payable(std::int64_t from,
                                                                     std::int64_t to) {
  VAFA_TRY(Statement * q,
           cached("SELECT a.code, a.name, e.currency,"
                  " SUM(e.kind = 'order'), SUM(e.kind = 'return'), SUM(e.kind = 'cancel'),"
                  " SUM(e.sales_minor), SUM(e.commission_minor)"
                  " FROM affiliate_entries e JOIN affiliates a ON a.id = e.affiliate"
                  " WHERE e.at >= ?1 AND e.at < ?2 GROUP BY a.code, e.currency"
                  " ORDER BY a.code, e.currency"));
  q->bind(1, from).bind(2, to);
  return rows_of(*q, [](Statement& r) {
    return AffiliatePayable{.affiliate = std::string(r.column_text(0)),
                            .name = std::string(r.column_text(1)),
                            .currency = std::string(r.column_text(2)),
                            .orders = r.column_int(3),
                            .returns = r.column_int(4),
                            .cancellations = r.column_int(5),
                            .sales_minor = r.column_int(6),
                            .commission_minor = r.column_int(7)};
  });
}

}  // namespace vafa
