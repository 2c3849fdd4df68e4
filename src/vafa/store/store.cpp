#include "vafa/store/store.hpp"

#include <cstdlib>

#include "vafa/store/sqlite/sqlite_store.hpp"

namespace vafa {

std::string_view to_string(ImportStatus status) {
  switch (status) {
    case ImportStatus::running: return "running";
    case ImportStatus::completed: return "completed";
    case ImportStatus::aborted: return "aborted";
    case ImportStatus::failed: return "failed";
    case ImportStatus::interrupted: return "interrupted";
  }
  return "failed";
}

std::string_view to_string(PointsAccount account) {
  switch (account) {
    case PointsAccount::pending: return "pending";
    case PointsAccount::available: return "available";
    case PointsAccount::issued: return "issued";
    case PointsAccount::redeemed: return "redeemed";
    case PointsAccount::expired: return "expired";
  }
  return "issued";
}

Result<std::unique_ptr<Store>> open_store(std::string_view location) {
  if (location.empty()) return fail(ErrorCode::invalid_argument, "empty database location");
  if (location.starts_with("postgres://") || location.starts_with("postgresql://")) {
    return fail(ErrorCode::invalid_argument,
                "the PostgreSQL backend is not available in this build; use a SQLite file path");
  }
  if (location.starts_with("sqlite:")) location.remove_prefix(7);
  VAFA_TRY(auto store, SqliteStore::open(std::string(location)));
  return std::unique_ptr<Store>(std::move(store));
}

std::string default_store_location() {
  const char* env = std::getenv("VAFA_DB");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string("vafa.db");
}

}  // namespace vafa
