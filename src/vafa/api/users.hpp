// Dashboard users and their sessions (docs/dashboard.md). `vafa users create` stores a person's
// password only as an Argon2id hash (libsodium's crypto_pwhash_str: salt and costs inside the
// string). Signing in (POST /api/v1/session) gives a session: a random token in an HttpOnly,
// SameSite=Strict cookie, kept in the store only as its BLAKE2b hash, and a CSRF token that
// every write made with the cookie must send back in X-CSRF-Token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vafa/api/keys.hpp"
#include "vafa/store/store.hpp"

namespace vafa::api {

inline constexpr std::string_view kSessionCookie = "vafa_session";

// 10 to 1024 bytes of valid UTF-8 without control characters.
Status check_password(std::string_view password);
// Argon2id with libsodium's interactive costs (64 MiB, 2 passes).
Result<std::string> hash_password(std::string_view password);
// Constant-time with respect to the password; false for a malformed hash.
bool verify_password(const std::string& hash, std::string_view password);
// What verifying costs when there is no such user, so that a wrong name takes as long as a wrong
// password.
void verify_nobody(std::string_view password);

// Checks the name (1 to 100 bytes of text), the role and language (en, fa, hy) and the
// password, and stores the user.
Result<DashboardUser> create_user(Store& store, std::string_view name, Role role,
                                  std::string_view lang, std::string_view password,
                                  std::int64_t now);

struct NewSession {
  std::string token;  // for the cookie only; never stored
  DashboardSession session;
};
NewSession new_session(std::int64_t user, std::int64_t now, std::int64_t lifetime_seconds);

// The value of the vafa_session cookie in a Cookie header; empty without one.
std::string session_token(std::string_view cookie_header);
// Set-Cookie values: the session's, and one that removes it.
std::string session_cookie(std::string_view token, std::int64_t max_age, bool secure);
std::string expired_cookie(bool secure);

struct SignedIn {
  DashboardUser user;
  DashboardSession session;
};
// The user behind a session cookie that has not expired, of a user not disabled; nullopt
// otherwise (no cookie, unknown, expired).
Result<std::optional<SignedIn>> signed_in(Store& store, std::string_view cookie_header,
                                          std::int64_t now);

}  // namespace vafa::api
