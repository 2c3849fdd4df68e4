// The SQLite backend's loyalty ledger (migration 0010).

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::each_row;
using sqlite::first_int;
using sqlite::first_row;
using sqlite::rows_of;
using sqlite::Statement;

namespace {

PointsAccount account_of(std::string_view text) {
  if (text == "pending") return PointsAccount::pending;
  if (text == "available") return PointsAccount::available;
  if (text == "redeemed") return PointsAccount::redeemed;
  if (text == "expired") return PointsAccount::expired;
  return PointsAccount::issued;
}

constexpr const char* kLotColumns =
    "id, customer, txn, points, remaining, state, available_at, expires_at, reversed";

PointsLot lot_of(Statement& r) {
  return PointsLot{.id = r.column_int(0),
                   .customer = r.column_int(1),
                   .txn = r.column_int(2),
                   .points = r.column_int(3),
                   .remaining = r.column_int(4),
                   .pending = r.column_text(5) == "pending",
                   .available_at = r.column_int(6),
                   .expires_at = r.column_optional_int(7),
                   .reversed = r.column_int(8)};
}

}  // namespace

Result<std::optional<std::int64_t>> SqliteStore::write_points(
    const LedgerTxn& txn, std::span<const BalanceChange> changes) {
  VAFA_TRY(Statement * insert_txn,
           cached("INSERT INTO loyalty_txns(kind, cause, customer, at, note)"
                  " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(kind, cause) DO NOTHING"));
  VAFA_TRY(Statement * insert_entry,
           cached("INSERT INTO loyalty_entries(txn, account, customer, points)"
                  " VALUES(?1, ?2, ?3, ?4)"));
  VAFA_TRY(Statement * balance,
           cached("INSERT INTO loyalty_balances(customer, pending, available, earned, redeemed,"
                  " expired) VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(customer) DO UPDATE SET"
                  " pending = pending + ?2, available = available + ?3, earned = earned + ?4,"
                  " redeemed = redeemed + ?5, expired = expired + ?6"));
  std::optional<std::int64_t> id;
  const Status posted = in_transaction([&]() -> Status {
    VAFA_CHECK(insert_txn->bind(1, std::string_view(txn.kind))
                   .bind(2, std::string_view(txn.cause))
                   .bind(3, txn.customer)
                   .bind(4, txn.at)
                   .bind(5, std::string_view(txn.note))
                   .run());
    if (sqlite3_changes(db_) == 0) return {};  // posted before
    id = sqlite3_last_insert_rowid(db_);
    for (const LedgerEntry& e : txn.entries) {
      VAFA_CHECK(insert_entry->bind(1, *id)
                     .bind(2, to_string(e.account))
                     .bind(3, e.customer)
                     .bind(4, e.points)
                     .run());
    }
    for (const BalanceChange& c : changes) {
      VAFA_CHECK(balance->bind(1, c.customer)
                     .bind(2, c.pending)
                     .bind(3, c.available)
                     .bind(4, c.earned)
                     .bind(5, c.redeemed)
                     .bind(6, c.expired)
                     .run());
    }
    return {};
  });
  if (!posted) return std::unexpected(posted.error());
  return id;
}

Result<std::optional<LedgerTxn>> SqliteStore::points_txn(std::string_view kind,
                                                         std::string_view cause) {
  VAFA_TRY(Statement * q, cached("SELECT t.id, t.customer, t.at, t.note, e.account, e.customer,"
                                 " e.points FROM loyalty_txns t JOIN loyalty_entries e"
                                 " ON e.txn = t.id WHERE t.kind = ?1 AND t.cause = ?2"));
  q->bind(1, kind).bind(2, cause);
  std::optional<LedgerTxn> txn;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    if (!txn) {
      txn = LedgerTxn{.id = r.column_int(0),
                      .kind = std::string(kind),
                      .cause = std::string(cause),
                      .customer = r.column_optional_int(1),
                      .at = r.column_int(2),
                      .note = std::string(r.column_text(3))};
    }
    txn->entries.push_back(LedgerEntry{.account = account_of(r.column_text(4)),
                                       .customer = r.column_optional_int(5),
                                       .points = r.column_int(6)});
    return {};
  }));
  return txn;
}

Result<std::int64_t> SqliteStore::add_lot(const PointsLot& lot) {
  VAFA_TRY(Statement * q, cached("INSERT INTO loyalty_lots(customer, txn, points, remaining,"
                                 " state, available_at, expires_at)"
                                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  std::int64_t id = 0;
  const Status added = in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, lot.customer)
                   .bind(2, lot.txn)
                   .bind(3, lot.points)
                   .bind(4, lot.remaining)
                   .bind(5, std::string_view(lot.pending ? "pending" : "available"))
                   .bind(6, lot.available_at)
                   .bind(7, lot.expires_at)
                   .run());
    id = sqlite3_last_insert_rowid(db_);
    return {};
  });
  if (!added) return std::unexpected(added.error());
  return id;
}

Status SqliteStore::update_lot(std::int64_t id, std::int64_t remaining, bool pending) {
  VAFA_TRY(Statement * q,
           cached("UPDATE loyalty_lots SET remaining = ?2, state = ?3 WHERE id = ?1"));
  return in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, id)
                   .bind(2, remaining)
                   .bind(3, std::string_view(pending ? "pending" : "available"))
                   .run());
    if (sqlite3_changes(db_) == 0) return fail(ErrorCode::not_found, "no points lot {}", id);
    return {};
  });
}

Status SqliteStore::add_lot_reversed(std::int64_t id, std::int64_t points) {
  VAFA_TRY(Statement * q, cached("UPDATE loyalty_lots SET reversed = reversed + ?2 WHERE id = ?1"));
  return in_transaction([&]() -> Status { return q->bind(1, id).bind(2, points).run(); });
}

Result<std::vector<PointsLot>> SqliteStore::open_lots(std::int64_t customer) {
  static const std::string sql = std::string("SELECT ") + kLotColumns +
                                 " FROM loyalty_lots WHERE customer = ?1 AND remaining > 0"
                                 " ORDER BY id";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, customer);
  return rows_of(*q, lot_of);
}

Result<std::vector<PointsLot>> SqliteStore::lots_of_txn(std::int64_t txn) {
  static const std::string sql =
      std::string("SELECT ") + kLotColumns + " FROM loyalty_lots WHERE txn = ?1 ORDER BY id";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, txn);
  return rows_of(*q, lot_of);
}

Result<std::vector<PointsLot>> SqliteStore::lots_due(std::int64_t now, std::size_t limit) {
  static const std::string sql =
      std::string("SELECT ") + kLotColumns +
      " FROM (SELECT * FROM loyalty_lots"
      " WHERE state = 'pending' AND available_at <= ?1 UNION ALL SELECT * FROM loyalty_lots"
      " WHERE state = 'available' AND remaining > 0 AND expires_at IS NOT NULL"
      " AND expires_at <= ?1) ORDER BY id LIMIT ?2";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  return rows_of(*q, lot_of);
}

Result<std::vector<ExpiringPoints>> SqliteStore::expiring_points(std::int64_t from, std::int64_t to,
                                                                 std::int64_t after,
                                                                 std::size_t limit) {
  VAFA_TRY(Statement * q,
           cached("SELECT l.customer, c.external_id, SUM(l.remaining), MIN(l.expires_at)"
                  " FROM loyalty_lots l JOIN customers c ON c.id = l.customer"
                  " WHERE l.state = 'available' AND l.remaining > 0 AND l.expires_at IS NOT NULL"
                  " AND l.expires_at >= ?1 AND l.expires_at <= ?2 AND l.customer > ?3"
                  " GROUP BY l.customer ORDER BY l.customer LIMIT ?4"));
  q->bind(1, from).bind(2, to).bind(3, after).bind(4, static_cast<std::int64_t>(limit));
  return rows_of(*q, [](Statement& r) {
    return ExpiringPoints{.customer = r.column_int(0),
                          .customer_id = std::string(r.column_text(1)),
                          .points = r.column_int(2),
                          .first_expiry = r.column_int(3)};
  });
}

Result<PointsBalance> SqliteStore::points_balance(std::int64_t customer) {
  VAFA_TRY(Statement * q, cached("SELECT pending, available, earned, redeemed, expired"
                                 " FROM loyalty_balances WHERE customer = ?1"));
  q->bind(1, customer);
  PointsBalance balance{.customer = customer};
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    balance.pending = r.column_int(0);
    balance.available = r.column_int(1);
    balance.earned = r.column_int(2);
    balance.redeemed = r.column_int(3);
    balance.expired = r.column_int(4);
    return {};
  }));
  return balance;
}

Result<std::int64_t> SqliteStore::points_earned(std::int64_t customer, std::int64_t from,
                                                std::int64_t to) {
  VAFA_TRY(Statement * q, cached("SELECT COALESCE(SUM(e.points), 0) FROM loyalty_txns t"
                                 " JOIN loyalty_entries e ON e.txn = t.id"
                                 " WHERE t.customer = ?1 AND t.kind = 'earn' AND t.at >= ?2"
                                 " AND t.at < ?3 AND e.customer IS NOT NULL"));
  q->bind(1, customer).bind(2, from).bind(3, to);
  return first_int(*q);
}

Result<std::vector<LedgerTxn>> SqliteStore::points_history(std::int64_t customer, std::size_t limit,
                                                           std::optional<std::int64_t> before) {
  VAFA_TRY(Statement * q,
           cached("SELECT t.id, t.kind, t.cause, t.at, t.note, e.account, e.customer, e.points"
                  " FROM (SELECT * FROM loyalty_txns WHERE customer = ?1 AND id < ?2"
                  " ORDER BY id DESC LIMIT ?3) t JOIN loyalty_entries e ON e.txn = t.id"
                  " ORDER BY t.id DESC, e.rowid"));
  q->bind(1, customer)
      .bind(2, before.value_or(std::numeric_limits<std::int64_t>::max()))
      .bind(3, static_cast<std::int64_t>(limit));
  std::vector<LedgerTxn> txns;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    if (txns.empty() || txns.back().id != r.column_int(0)) {
      txns.push_back(LedgerTxn{.id = r.column_int(0),
                               .kind = std::string(r.column_text(1)),
                               .cause = std::string(r.column_text(2)),
                               .customer = customer,
                               .at = r.column_int(3),
                               .note = std::string(r.column_text(4))});
    }
    txns.back().entries.push_back(LedgerEntry{.account = account_of(r.column_text(5)),
                                              .customer = r.column_optional_int(6),
                                              .points = r.column_int(7)});
    return {};
  }));
  return txns;
}

Result<LedgerCheck> SqliteStore::check_points() {
  LedgerCheck check;
  auto one = [&](const char* sql, std::int64_t& out) -> Status {
    VAFA_TRY(Statement * q, cached(sql));
    VAFA_TRY(out, first_int(*q));
    return {};
  };
  VAFA_CHECK(one("SELECT COUNT(*) FROM loyalty_txns", check.txns));
  VAFA_CHECK(one("SELECT COUNT(*) FROM loyalty_entries", check.entries));
  VAFA_CHECK(one("SELECT COALESCE(SUM(points), 0) FROM loyalty_entries", check.total));
  VAFA_CHECK(
      one("SELECT COUNT(*) FROM (SELECT txn FROM loyalty_entries GROUP BY txn"
          " HAVING SUM(points) <> 0 OR COUNT(*) < 2)",
          check.unbalanced_txns));
  VAFA_CHECK(
      one("WITH sums AS (SELECT customer,"
          " SUM(CASE WHEN account = 'pending' THEN points ELSE 0 END) AS pending,"
          " SUM(CASE WHEN account = 'available' THEN points ELSE 0 END) AS available"
          " FROM loyalty_entries WHERE customer IS NOT NULL GROUP BY customer)"
          " SELECT COUNT(*) FROM sums FULL OUTER JOIN loyalty_balances b"
          " ON b.customer = sums.customer"
          " WHERE COALESCE(sums.pending, 0) <> COALESCE(b.pending, 0)"
          " OR COALESCE(sums.available, 0) <> COALESCE(b.available, 0)",
          check.wrong_balances));
  VAFA_CHECK(
      one("WITH lots AS (SELECT customer,"
          " SUM(CASE WHEN state = 'pending' THEN remaining ELSE 0 END) AS pending,"
          " SUM(CASE WHEN state = 'available' THEN remaining ELSE 0 END) AS available"
          " FROM loyalty_lots GROUP BY customer)"
          " SELECT COUNT(*) FROM loyalty_balances b LEFT JOIN lots"
          " ON lots.customer = b.customer"
          " WHERE COALESCE(lots.pending, 0) <> b.pending"
          " OR COALESCE(lots.available, 0) <> MAX(b.available, 0)",
          check.lots_not_matching));
  return check;
}

namespace {

constexpr const char* kRewardColumns =
    "id, code, name, cost, stock, per_customer, valid_from, valid_until, voucher_days, active,"
    " created_at";

Reward reward_of(Statement& r) {
  return Reward{.id = r.column_int(0),
                .code = std::string(r.column_text(1)),
                .name = std::string(r.column_text(2)),
                .cost = r.column_int(3),
                .stock = r.column_optional_int(4),
                .per_customer = r.column_optional_int(5),
                .valid_from = r.column_optional_int(6),
                .valid_until = r.column_optional_int(7),
                .voucher_days = r.column_optional_int(8),
                .active = r.column_int(9) != 0,
                .created_at = r.column_int(10)};
}

}  // namespace

Result<std::int64_t> SqliteStore::put_reward(const Reward& reward) {
  VAFA_TRY(Statement * insert,
           cached("INSERT INTO rewards(code, name, cost, stock, per_customer, valid_from,"
                  " valid_until, voucher_days, active, created_at)"
                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  VAFA_TRY(Statement * update,
           cached("UPDATE rewards SET code = ?1, name = ?2, cost = ?3, stock = ?4,"
                  " per_customer = ?5, valid_from = ?6, valid_until = ?7, voucher_days = ?8,"
                  " active = ?9 WHERE id = ?11"));
  std::int64_t id = reward.id;
  const Status written = in_transaction([&]() -> Status {
    Statement& q = reward.id == 0 ? *insert : *update;
    q.bind(1, std::string_view(reward.code))
        .bind(2, std::string_view(reward.name))
        .bind(3, reward.cost)
        .bind(4, reward.stock)
        .bind(5, reward.per_customer)
        .bind(6, reward.valid_from)
        .bind(7, reward.valid_until)
        .bind(8, reward.voucher_days)
        .bind(9, std::int64_t{reward.active ? 1 : 0});
    if (reward.id == 0) {
      q.bind(10, reward.created_at);
    } else {
      q.bind(11, reward.id);
    }
    VAFA_CHECK(q.run());
    if (reward.id == 0) id = sqlite3_last_insert_rowid(db_);
    if (reward.id != 0 && sqlite3_changes(db_) == 0) {
      return fail(ErrorCode::not_found, "no reward {}", reward.id);
    }
    return {};
  });
  if (!written) {
    if (written.error().code == ErrorCode::conflict) {
      return fail(ErrorCode::conflict, "a reward with the code '{}' exists already", reward.code);
    }
    return std::unexpected(written.error());
  }
  return id;
}

Result<std::optional<Reward>> SqliteStore::get_reward(std::string_view code) {
  static const std::string sql =
      std::string("SELECT ") + kRewardColumns + " FROM rewards WHERE code = ?1";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, code);
  return first_row(*q, reward_of);
}

Result<std::vector<Reward>> SqliteStore::rewards() {
  static const std::string sql =
      std::string("SELECT ") + kRewardColumns + " FROM rewards ORDER BY cost, code";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  return rows_of(*q, reward_of);
}

Result<bool> SqliteStore::take_reward_unit(std::int64_t reward) {
  VAFA_TRY(Statement * q, cached("UPDATE rewards SET stock = stock - 1"
                                 " WHERE id = ?1 AND (stock IS NULL OR stock > 0)"));
  bool taken = false;
  const Status done = in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, reward).run());
    taken = sqlite3_changes(db_) == 1;
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return taken;
}

namespace {

// Redemptions from a query selecting id, reward, customer, points, voucher, at, expires_at,
// reward code, cause, voided_at.
// Redemptions with their reward's code, for redemption_rows; a WHERE clause follows.
constexpr const char* kRedemptionSelect =
    "SELECT d.id, d.reward, d.customer, d.points, d.voucher, d.at, d.expires_at, r.code,"
    " d.cause, d.voided_at FROM redemptions d JOIN rewards r ON r.id = d.reward ";

Result<std::vector<Redemption>> redemption_rows(Statement& q) {
  return rows_of(q, [](Statement& r) {
    return Redemption{.id = r.column_int(0),
                      .reward = r.column_int(1),
                      .customer = r.column_int(2),
                      .points = r.column_int(3),
                      .voucher = std::string(r.column_text(4)),
                      .at = r.column_int(5),
                      .expires_at = r.column_optional_int(6),
                      .reward_code = std::string(r.column_text(7)),
                      .cause = std::string(r.column_text(8)),
                      .voided_at = r.column_optional_int(9)};
  });
}

}  // namespace

Result<std::int64_t> SqliteStore::count_redemptions(std::int64_t reward, std::int64_t customer) {
  VAFA_TRY(Statement * q,
           cached("SELECT COUNT(*) FROM redemptions WHERE reward = ?1 AND customer = ?2"));
  q->bind(1, reward).bind(2, customer);
  return first_int(*q);
}

Result<std::int64_t> SqliteStore::add_redemption(const Redemption& redemption) {
  VAFA_TRY(Statement * q, cached("INSERT INTO redemptions(reward, customer, points, voucher, at,"
                                 " expires_at, cause) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  std::int64_t id = 0;
  const Status done = in_transaction([&]() -> Status {
    q->bind(1, redemption.reward)
        .bind(2, redemption.customer)
        .bind(3, redemption.points)
        .bind(4, std::string_view(redemption.voucher))
        .bind(5, redemption.at)
        .bind(6, redemption.expires_at);
    if (redemption.cause.empty()) {
      q->bind_null(7);
    } else {
      q->bind(7, std::string_view(redemption.cause));
    }
    VAFA_CHECK(q->run());
    id = sqlite3_last_insert_rowid(db_);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return id;
}

Result<std::vector<Redemption>> SqliteStore::redemptions_of(std::int64_t customer) {
  static const std::string sql =
      std::string(kRedemptionSelect) + "WHERE d.customer = ?1 ORDER BY d.id DESC";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, customer);
  return redemption_rows(*q);
}

Result<std::vector<Redemption>> SqliteStore::gifts_with_cause(std::string_view prefix) {
  static const std::string sql = std::string(kRedemptionSelect) +
                                 "WHERE d.cause >= ?1 AND d.cause < ?1 || char(1114111)"
                                 " ORDER BY d.id";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, prefix);
  return redemption_rows(*q);
}

Status SqliteStore::void_gift(std::int64_t redemption, std::int64_t at) {
  VAFA_TRY(Statement * mark, cached("UPDATE redemptions SET voided_at = ?2"
                                    " WHERE id = ?1 AND voided_at IS NULL"));
  VAFA_TRY(Statement * stock,
           cached("UPDATE rewards SET stock = stock + 1 WHERE stock IS NOT NULL AND"
                  " id = (SELECT reward FROM redemptions WHERE id = ?1)"));
  return in_transaction([&]() -> Status {
    VAFA_CHECK(mark->bind(1, redemption).bind(2, at).run());
    if (sqlite3_changes(db_) == 0) return {};  // voided before
    return stock->bind(1, redemption).run();
  });
}

Result<std::int64_t> SqliteStore::qualifying_points(std::int64_t customer, std::int64_t from,
                                                    std::int64_t to) {
  VAFA_TRY(Statement * q, cached("SELECT COALESCE(SUM(e.points), 0) FROM loyalty_txns t"
                                 " JOIN loyalty_entries e ON e.txn = t.id"
                                 " WHERE t.customer = ?1 AND t.kind IN ('earn', 'reverse')"
                                 " AND t.at >= ?2 AND t.at < ?3 AND e.customer IS NOT NULL"));
  q->bind(1, customer).bind(2, from).bind(3, to);
  return first_int(*q);
}

Result<std::int64_t> SqliteStore::qualifying_spend(std::int64_t customer, std::string_view currency,
                                                   std::int64_t from, std::int64_t to) {
  VAFA_TRY(Statement * q, cached("SELECT COALESCE(SUM(total_minor), 0) FROM orders"
                                 " WHERE customer_id = ?1 AND placed_at >= ?2 AND placed_at < ?3"
                                 " AND currency = ?4 AND status <> 'cancelled'"));
  q->bind(1, customer).bind(2, from).bind(3, to).bind(4, currency);
  return first_int(*q);
}

namespace {
TierState tier_state_of(Statement& r) {
  return TierState{.customer = r.column_int(0),
                   .tier = std::string(r.column_text(1)),
                   .since = r.column_int(2),
                   .below_since = r.column_optional_int(3),
                   .invited = r.column_int(4) != 0};
}
}  // namespace

Result<std::optional<TierState>> SqliteStore::tier_of(std::int64_t customer) {
  VAFA_TRY(Statement * q, cached("SELECT customer, tier, since, below_since, invited"
                                 " FROM loyalty_tiers WHERE customer = ?1"));
  q->bind(1, customer);
  return first_row(*q, tier_state_of);
}

Status SqliteStore::put_tier(const TierState& state, const std::optional<TierChange>& change) {
  VAFA_TRY(Statement * put,
           cached("INSERT INTO loyalty_tiers(customer, tier, since, below_since, invited)"
                  " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(customer) DO UPDATE SET"
                  " tier = ?2, since = ?3, below_since = ?4, invited = ?5"));
  VAFA_TRY(Statement * log, cached("INSERT INTO loyalty_tier_changes(customer, from_tier, to_tier,"
                                   " at, reason) VALUES(?1, ?2, ?3, ?4, ?5)"));
  return in_transaction([&]() -> Status {
    VAFA_CHECK(put->bind(1, state.customer)
                   .bind(2, std::string_view(state.tier))
                   .bind(3, state.since)
                   .bind(4, state.below_since)
                   .bind(5, std::int64_t{state.invited ? 1 : 0})
                   .run());
    if (!change) return {};
    log->bind(1, change->customer);
    if (change->from) {
      log->bind(2, std::string_view(*change->from));
    } else {
      log->bind_null(2);
    }
    return log->bind(3, std::string_view(change->to))
        .bind(4, change->at)
        .bind(5, std::string_view(change->reason))
        .run();
  });
}

Result<std::vector<TierState>> SqliteStore::tiered_customers() {
  VAFA_TRY(Statement * q, cached("SELECT customer, tier, since, below_since, invited"
                                 " FROM loyalty_tiers ORDER BY customer"));
  return rows_of(*q, tier_state_of);
}

Result<std::vector<TierChange>> SqliteStore::tier_history(std::int64_t customer) {
  VAFA_TRY(Statement * q, cached("SELECT customer, from_tier, to_tier, at, reason"
                                 " FROM loyalty_tier_changes WHERE customer = ?1 ORDER BY id"));
  q->bind(1, customer);
  std::vector<TierChange> out;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    TierChange c{.customer = r.column_int(0),
                 .to = std::string(r.column_text(2)),
                 .at = r.column_int(3),
                 .reason = std::string(r.column_text(4))};
    const std::string_view from = r.column_text(1);
    if (!from.empty()) c.from = std::string(from);
    out.push_back(std::move(c));
    return {};
  }));
  return out;
}

Status SqliteStore::scan_shop_points(
    const std::function<Status(PointsAccount account, std::int64_t points, std::int64_t at)>&
        visit) {
  VAFA_TRY(Statement * q, cached("SELECT e.account, e.points, t.at FROM loyalty_entries e"
                                 " JOIN loyalty_txns t ON t.id = e.txn WHERE e.customer IS NULL"));
  return each_row(*q, [&](Statement& r) {
    return visit(account_of(r.column_text(0)), r.column_int(1), r.column_int(2));
  });
}

}  // namespace vafa
