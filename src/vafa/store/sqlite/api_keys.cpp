// The SQLite backend's API keys (migration 0008).

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

using sqlite::first_row;
using sqlite::rows_of;
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
  return first_row(*q, key_of);
}

Result<std::vector<ApiKeyRecord>> SqliteStore::api_keys() {
  static const std::string sql =
      std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY id";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  return rows_of(*q, key_of);
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

// ---- dashboard users and sessions (migration 0015) -------------------------------------------

namespace {

constexpr const char* kUserColumns =
    "id, name, password_hash, role, lang, created_at, disabled_at FROM dashboard_users";

DashboardUser user_row(Statement& r) {
  return DashboardUser{.id = r.column_int(0),
                       .name = std::string(r.column_text(1)),
                       .password_hash = std::string(r.column_text(2)),
                       .role = std::string(r.column_text(3)),
                       .lang = std::string(r.column_text(4)),
                       .created_at = r.column_int(5),
                       .disabled_at = r.column_optional_int(6)};
}

}  // namespace

Result<std::int64_t> SqliteStore::create_dashboard_user(const DashboardUser& user) {
  VAFA_TRY(Statement * q, cached("INSERT INTO dashboard_users(name, password_hash, role, lang,"
                                 " created_at) VALUES(?1, ?2, ?3, ?4, ?5)"));
  std::int64_t id = 0;
  const Status written = in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, std::string_view(user.name))
                   .bind(2, std::string_view(user.password_hash))
                   .bind(3, std::string_view(user.role))
                   .bind(4, std::string_view(user.lang))
                   .bind(5, user.created_at)
                   .run());
    id = sqlite3_last_insert_rowid(db_);
    return {};
  });
  if (!written) {
    if (written.error().code == ErrorCode::conflict) {
      return fail(ErrorCode::conflict, "a dashboard user named '{}' exists already", user.name);
    }
    return std::unexpected(written.error());
  }
  return id;
}

Status SqliteStore::update_dashboard_user(const DashboardUser& user) {
  VAFA_TRY(Statement * q, cached("UPDATE dashboard_users SET password_hash = ?2, role = ?3,"
                                 " lang = ?4, disabled_at = ?5 WHERE name = ?1"));
  VAFA_TRY(Statement * drop, cached("DELETE FROM dashboard_sessions WHERE user_id ="
                                    " (SELECT id FROM dashboard_users WHERE name = ?1)"));
  return in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, std::string_view(user.name))
                   .bind(2, std::string_view(user.password_hash))
                   .bind(3, std::string_view(user.role))
                   .bind(4, std::string_view(user.lang))
                   .bind(5, user.disabled_at)
                   .run());
    if (sqlite3_changes(db_) == 0) {
      return fail(ErrorCode::not_found, "no dashboard user named '{}'", user.name);
    }
    if (user.disabled_at) VAFA_CHECK(drop->bind(1, std::string_view(user.name)).run());
    return {};
  });
}

Result<std::optional<DashboardUser>> SqliteStore::dashboard_user(std::string_view name) {
  static const std::string sql = std::string("SELECT ") + kUserColumns + " WHERE name = ?1";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, name);
  return first_row(*q, user_row);
}

Result<std::optional<DashboardUser>> SqliteStore::dashboard_user_by_id(std::int64_t id) {
  static const std::string sql = std::string("SELECT ") + kUserColumns + " WHERE id = ?1";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  q->bind(1, id);
  return first_row(*q, user_row);
}

Result<std::vector<DashboardUser>> SqliteStore::dashboard_users() {
  static const std::string sql = std::string("SELECT ") + kUserColumns + " ORDER BY name";
  VAFA_TRY(Statement * q, cached(sql.c_str()));
  return rows_of(*q, user_row);
}

Status SqliteStore::put_session(const DashboardSession& s) {
  VAFA_TRY(Statement * q, cached("INSERT INTO dashboard_sessions(token_hash, user_id, csrf,"
                                 " created_at, expires_at) VALUES(?1, ?2, ?3, ?4, ?5)"));
  return in_transaction([&]() -> Status {
    return q->bind(1, std::string_view(s.token_hash))
        .bind(2, s.user_id)
        .bind(3, std::string_view(s.csrf))
        .bind(4, s.created_at)
        .bind(5, s.expires_at)
        .run();
  });
}

Result<std::optional<DashboardSession>> SqliteStore::session(std::string_view token_hash) {
  VAFA_TRY(Statement * q, cached("SELECT token_hash, user_id, csrf, created_at, expires_at"
                                 " FROM dashboard_sessions WHERE token_hash = ?1"));
  q->bind(1, token_hash);
  return first_row(*q, [](Statement& r) {
    return DashboardSession{.token_hash = std::string(r.column_text(0)),
                            .user_id = r.column_int(1),
                            .csrf = std::string(r.column_text(2)),
                            .created_at = r.column_int(3),
                            .expires_at = r.column_int(4)};
  });
}

Status SqliteStore::delete_session(std::string_view token_hash) {
  VAFA_TRY(Statement * q, cached("DELETE FROM dashboard_sessions WHERE token_hash = ?1"));
  return in_transaction([&]() -> Status { return q->bind(1, token_hash).run(); });
}

Result<std::int64_t> SqliteStore::forget_sessions(std::int64_t now) {
  VAFA_TRY(Statement * q, cached("DELETE FROM dashboard_sessions WHERE expires_at < ?1"));
  std::int64_t gone = 0;
  const Status done = in_transaction([&]() -> Status {
    VAFA_CHECK(q->bind(1, now).run());
    gone = sqlite3_changes(db_);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return gone;
}

}  // namespace vafa
