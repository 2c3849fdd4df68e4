// The SQLite backend's API keys (migration 0008).

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::each_row;
using sqlite::Statement;

namespace {

constexpr const char* kKeyColumns = "id, name, role, prefix, hash, created_at, revoked_at";

ApiKeyRecord key_of(Statement& r) {
  return ApiKeyRecord{.id = r.column_int(0),
                      .name = std::string(r.column_text(1)),
                      .role = std::string(r.column_text(2)),
                      .prefix = std::string(r.column_text(3)),
                      .hash = std::string(r.column_text(4)),
                      .created_at = r.column_int(5),
                      .revoked_at = r.column_optional_int(6)};
}

}  // namespace

Result<std::int64_t> SqliteStore::create_api_key(const ApiKeyRecord& key) {
  VAFA_TRY(Statement * q, cached("INSERT INTO api_keys(name, role, prefix, hash, created_at)"
                                 " VALUES(?1, ?2, ?3, ?4, ?5)"));
  std::int64_t id = 0;
  const Status written = in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, std::string_view(key.name))
                   .bind(2, std::string_view(key.role))
                   .bind(3, std::string_view(key.prefix))
                   .bind(4, std::string_view(key.hash))
                   .bind(5, key.created_at)
                   .run());
    id = sqlite3_last_insert_rowid(db_);
    return {};
  });
  if (!written) {
    if (written.error().code == ErrorCode::conflict) {
      return fail(ErrorCode::conflict, "an API key named '{}' exists already", key.name);
    }
    return std::unexpected(written.error());
  }
  return id;
}

Result<std::optional<ApiKeyRecord>> SqliteStore::api_key_by_prefix(std::string_view prefix) {
  static const std::string sql =
      std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE prefix = ?1";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, prefix);
  std::optional<ApiKeyRecord> key;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    key = key_of(r);
    return {};
  }));
  return key;
}

Result<std::vector<ApiKeyRecord>> SqliteStore::api_keys() {
  static const std::string sql =
      std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY id";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  std::vector<ApiKeyRecord> keys;
  VAFA_CHECK(each_row(*q, [&](Statement& r) -> Status {
    keys.push_back(key_of(r));
    return {};
  }));
  return keys;
}

Status SqliteStore::revoke_api_key(std::string_view name, std::int64_t at) {
  VAFA_TRY(Statement * q, cached("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?2)"
                                 " WHERE name = ?1"));
  return in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, name).bind(2, at).run());
    if (sqlite3_changes(db_) == 0) return fail(ErrorCode::not_found, "no API key named '{}'", name);
    return {};
  });
}

}  // namespace vafa
