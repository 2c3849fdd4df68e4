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
