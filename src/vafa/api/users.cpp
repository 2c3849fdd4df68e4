#include "vafa/api/users.hpp"

#include <sodium.h>

#include "vafa/core/text.hpp"
#include "vafa/i18n/i18n.hpp"

namespace vafa::api {

Status check_password(std::string_view password) {
  if (password.size() < 10 || password.size() > 1024 || !is_valid_utf8(password) ||
      std::any_of(password.begin(), password.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return fail(ErrorCode::invalid_argument,
                "a password must be 10 to 1024 bytes of text without control characters");
  }
  return {};
}

Result<std::string> hash_password(std::string_view password) {
  if (sodium_init() < 0) return fail(ErrorCode::internal, "libsodium could not be initialised");
  std::string hash(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str(hash.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return fail(ErrorCode::internal, "out of memory while hashing a password");
  }
  hash.resize(std::strlen(hash.c_str()));
  return hash;
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_nobody(std::string_view password) {
  static const std::string nobody = hash_password(random_token(24)).value_or("");
  (void)verify_password(nobody, password);
}

Result<DashboardUser> create_user(Store& store, std::string_view name, Role role,
                                  std::string_view lang, std::string_view password,
                                  std::int64_t now) {
  if (!is_display_name(name)) {
    return fail(ErrorCode::invalid_argument,
                "a user name must be 1 to 100 bytes of text without control characters");
  }
  VAFA_CHECK(i18n::parse_lang(lang));
  VAFA_CHECK(check_password(password));
  DashboardUser user{.name = std::string(name),
                     .role = std::string(to_string(role)),
                     .lang = std::string(lang),
                     .created_at = now};
  VAFA_TRY(user.password_hash, hash_password(password));
  VAFA_TRY(user.id, store.create_dashboard_user(user));
  return user;
}

NewSession new_session(std::int64_t user, std::int64_t now, std::int64_t lifetime_seconds) {
  NewSession out;
  out.token = random_token(32);
  out.session = DashboardSession{.token_hash = key_hash(out.token),
                                 .user_id = user,
                                 .csrf = random_token(24),
                                 .created_at = now,
                                 .expires_at = now + lifetime_seconds};
  return out;
}

std::string session_token(std::string_view cookie_header) {
  // "a=1; vafa_session=TOKEN; b=2"
  while (!cookie_header.empty()) {
    const std::size_t semi = cookie_header.find(';');
    std::string_view pair = trim(cookie_header.substr(0, semi));
    cookie_header =
        semi == std::string_view::npos ? std::string_view() : cookie_header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != kSessionCookie) continue;
    const std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() > 100) return {};
    return std::string(value);
  }
  return {};
}

std::string session_cookie(std::string_view token, std::int64_t max_age, bool secure) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     token, max_age, secure ? "; Secure" : "");
}

std::string expired_cookie(bool secure) { return session_cookie("", 0, secure); }

Result<std::optional<SignedIn>> signed_in(Store& store, std::string_view cookie_header,
                                          std::int64_t now) {
  using Found = std::optional<SignedIn>;
  const std::string token = session_token(cookie_header);
  if (token.empty()) return Found();
  VAFA_TRY(const auto session, store.session(key_hash(token)));
  if (!session || session->expires_at <= now) return Found();
  VAFA_TRY(const auto user, store.dashboard_user_by_id(session->user_id));
  if (!user || user->disabled_at) return Found();
  return Found(SignedIn{.user = *user, .session = *session});
}

}  // namespace vafa::api
