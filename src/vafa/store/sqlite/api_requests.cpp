// The SQLite backend's support for API writes: identity lookup, order status changes and the
// idempotent answers of migration 0009.

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::each_row;
using sqlite::Statement;

Result<std::optional<std::string>> SqliteStore::customer_with_identity(const Identity& identity) {
  VAFA_TRY(Statement * q, cached("SELECT c.external_id FROM identities i JOIN customers c"
                                 " ON c.id = i.customer_id"
                                 " WHERE i.kind = ?1 AND i.system = ?2 AND i.value = ?3"));
  q->bind(1, to_string(identity.kind)).bind(2, identity.system).bind(3, identity.value);
  std::optional<std::string> owner;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    owner = std::string(r.column_text(0));
    return {};
  }));
  return owner;
}

Status SqliteStore::set_order_status(std::string_view id, OrderStatus status) {
  VAFA_TRY(Statement * find, cached("SELECT id, customer_id, currency, status, total_minor"
                                    " FROM orders WHERE external_id = ?1"));
  VAFA_TRY(Statement * update, cached("UPDATE orders SET status = ?2 WHERE id = ?1"));
  return in_transaction([&]() -> Status {
    find->bind(1, id);
    VAFA_TRY(const bool found, find->step());
    if (!found) {
      find->reset();
      return fail(ErrorCode::not_found, "no order '{}'", id);
    }
    const std::int64_t row = find->column_int(0);
    const std::optional<std::int64_t> customer = find->column_optional_int(1);
    const std::string currency(find->column_text(2));
    const std::string old_status(find->column_text(3));
    const std::int64_t total = find->column_int(4);
    find->reset();
    if (old_status == to_string(status)) return {};
    VAFA_CHECK(update->bind(1, row).bind(2, to_string(status)).run());
    count_order(currency, old_status, !customer, total, 0, -1);
    count_order(currency, to_string(status), !customer, total, 0, 1);
    if (customer) changed_.push_back(*customer);
    return {};
  });
}

Result<std::optional<StoredReply>> SqliteStore::stored_reply(std::string_view caller,
                                                             std::string_view key) {
  VAFA_TRY(Statement * q, cached("SELECT fingerprint, status, body, location, created_at"
                                 " FROM idempotent_requests WHERE caller = ?1 AND key = ?2"));
  q->bind(1, caller).bind(2, key);
  std::optional<StoredReply> reply;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    reply = StoredReply{.fingerprint = std::string(r.column_text(0)),
                        .status = static_cast<int>(r.column_int(1)),
                        .body = std::string(r.column_text(2)),
                        .location = std::string(r.column_text(3)),
                        .created_at = r.column_int(4)};
    return {};
  }));
  return reply;
}

Status SqliteStore::put_stored_reply(std::string_view caller, std::string_view key,
                                     const StoredReply& reply) {
  VAFA_TRY(Statement * q,
           cached("INSERT INTO idempotent_requests(caller, key, fingerprint, status, body,"
                  " location, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  return in_transaction([&]() -> Status {
    return q->bind(1, caller)
        .bind(2, key)
        .bind(3, std::string_view(reply.fingerprint))
        .bind(4, std::int64_t{reply.status})
        .bind(5, std::string_view(reply.body))
        .bind(6, std::string_view(reply.location))
        .bind(7, reply.created_at)
        .run();
  });
}

Result<std::int64_t> SqliteStore::forget_stored_replies(std::int64_t before) {
  VAFA_TRY(Statement * q, cached("DELETE FROM idempotent_requests WHERE created_at < ?1"));
  std::int64_t gone = 0;
  const Status deleted = in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, before).run());
    gone = sqlite3_changes(db_);
    return {};
  });
  if (!deleted) return std::unexpected(deleted.error());
  return gone;
}

}  // namespace vafa

namespace vafa {

using sqlite::each_row;
using sqlite::Statement;

Status SqliteStore::link_return(std::string_view return_id, std::string_view original_id) {
  VAFA_TRY(Statement * q, cached("INSERT INTO order_returns(return_order, original)"
                                 " SELECT r.id, o.id FROM orders r, orders o"
                                 " WHERE r.external_id = ?1 AND o.external_id = ?2"));
  return in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, return_id).bind(2, original_id).run());
    if (sqlite3_changes(db_) != 1) {
      return fail(ErrorCode::not_found, "cannot link return '{}' to order '{}'", return_id,
                  original_id);
    }
    return {};
  });
}

Result<std::vector<Order>> SqliteStore::returns_of(std::string_view original_id) {
  VAFA_TRY(Statement * q, cached("SELECT r.external_id FROM order_returns x"
                                 " JOIN orders o ON o.id = x.original"
                                 " JOIN orders r ON r.id = x.return_order"
                                 " WHERE o.external_id = ?1 ORDER BY x.return_order"));
  q->bind(1, original_id);
  std::vector<std::string> ids;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    ids.emplace_back(r.column_text(0));
    return {};
  }));
  std::vector<Order> out;
  for (const std::string& id : ids) {
    VAFA_TRY(auto order, get_order(id));
    if (order) out.push_back(std::move(*order));
  }
  return out;
}

Status SqliteStore::put_line_points(std::int64_t txn, const std::vector<std::int64_t>& points) {
  VAFA_TRY(Statement * q,
           cached("INSERT INTO loyalty_line_points(txn, line_no, points) VALUES(?1, ?2, ?3)"));
  return in_transaction([&]() -> Status {
    for (std::size_t i = 0; i < points.size(); ++i) {
      VAFA_CHECK(q->bind(1, txn).bind(2, static_cast<std::int64_t>(i)).bind(3, points[i]).run());
    }
    return {};
  });
}

Result<std::vector<std::int64_t>> SqliteStore::line_points(std::int64_t txn) {
  VAFA_TRY(Statement * q, cached("SELECT points FROM loyalty_line_points WHERE txn = ?1"
                                 " ORDER BY line_no"));
  q->bind(1, txn);
  std::vector<std::int64_t> out;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    out.push_back(r.column_int(0));
    return {};
  }));
  return out;
}

}  // namespace vafa
