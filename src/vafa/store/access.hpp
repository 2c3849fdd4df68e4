// Who may use the store through the server: API keys, dashboard users and their sessions, and
// the stored answers that make API writes idempotent (docs/api.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/store/records.hpp"

namespace vafa {

class AccessStore {
 public:
  virtual ~AccessStore() = default;

  // ---- API keys. create_api_key fails with conflict when the name or prefix is taken.
  virtual Result<std::int64_t> create_api_key(const ApiKeyRecord& key) = 0;
  virtual Result<std::optional<ApiKeyRecord>> api_key_by_prefix(std::string_view prefix) = 0;
  virtual Result<std::vector<ApiKeyRecord>> api_keys() = 0;
  // not_found when no key has that name; revoking twice keeps the first time.
  virtual Status revoke_api_key(std::string_view name, std::int64_t at) = 0;

  // ---- dashboard users and sessions. create_dashboard_user: conflict when the name is taken;
  // update_dashboard_user changes the hash, role, lang and disabled_at of the user with that
  // name (not_found without one). A disabled user's sessions go with it.
  virtual Result<std::int64_t> create_dashboard_user(const DashboardUser& user) = 0;
  virtual Status update_dashboard_user(const DashboardUser& user) = 0;
  virtual Result<std::optional<DashboardUser>> dashboard_user(std::string_view name) = 0;
  virtual Result<std::optional<DashboardUser>> dashboard_user_by_id(std::int64_t id) = 0;
  virtual Result<std::vector<DashboardUser>> dashboard_users() = 0;
  virtual Status put_session(const DashboardSession& session) = 0;
  virtual Result<std::optional<DashboardSession>> session(std::string_view token_hash) = 0;
  virtual Status delete_session(std::string_view token_hash) = 0;
  // Removes sessions that expired before `now`; returns how many.
  virtual Result<std::int64_t> forget_sessions(std::int64_t now) = 0;

  // ---- idempotency: the stored answer for (caller, key), storing one (conflict if present),
  // and forgetting those created before `before`.
  virtual Result<std::optional<StoredReply>> stored_reply(std::string_view caller,
                                                          std::string_view key) = 0;
  virtual Status put_stored_reply(std::string_view caller, std::string_view key,
                                  const StoredReply& reply) = 0;
  virtual Result<std::int64_t> forget_stored_replies(std::int64_t before) = 0;
};

}  // namespace vafa
