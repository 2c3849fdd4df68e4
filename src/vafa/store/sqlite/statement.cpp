#include "vafa/store/sqlite/statement.hpp"

#include <utility>

namespace vafa::sqlite {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  ErrorCode code = ErrorCode::internal;
  // SQLITE_PROTOCOL: a WAL locking race that outlasted SQLite's own retries (seen when the
  // writer holding the WAL lock is paused); transient like BUSY, so callers retry it the same way.
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_PROTOCOL) {
    code = ErrorCode::unavailable;
  }
  // A duplicate key is a conflict the callers expect and word for their users; its SQL
  // (tables and columns) stays out of the message, which may reach an API client. Any other
  // constraint (CHECK, NOT NULL, a foreign key) is a value that validation should have refused:
  // a bug, reported as internal so that the API logs it and answers a plain 500.
  const int extended =
      db != nullptr && primary == SQLITE_CONSTRAINT ? sqlite3_extended_errcode(db) : rc;
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error{ErrorCode::conflict,
                 fmt::format("{}: a record with this key exists already", what)};
  }
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL ||
      primary == SQLITE_READONLY) {
    code = ErrorCode::io;
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) code = ErrorCode::data_loss;
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error{code, fmt::format("{}: {}", what, detail)};
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db, rc, "preparing statement"));
  return Statement(stmt);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, std::string_view value) {
  // Not copied (SQLITE_STATIC): see the contract in statement.hpp. reset() clears bindings, so a
  // pointer never outlives the step it was bound for.
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = sqlite_error(sqlite3_db_handle(stmt_), rc, "executing statement");
  sqlite3_reset(stmt_);
  return std::unexpected(std::move(error));
}

Status Statement::run() {
  VAFA_TRY(const bool has_row, step());
  (void)has_row;
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::column_optional_int(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, index);
}

std::optional<double> Statement::column_optional_double(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt_, index);
}

std::string_view Statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

}  // namespace vafa::sqlite
