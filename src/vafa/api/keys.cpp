#include "vafa/api/keys.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <sodium.h>

#include "vafa/core/text.hpp"

namespace vafa::api {

namespace {

constexpr std::string_view kKeyStart = "vafa_";
constexpr std::size_t kPrefixLength = 13;  // "vafa_" and 8 characters: 48 bits to look it up

Status init_sodium() {
  static const int initialised = sodium_init();
  if (initialised < 0) return fail(ErrorCode::internal, "libsodium could not be initialised");
  return {};
}

}  // namespace

Result<Role> parse_role(std::string_view text) {
  if (text == "reader") return Role::reader;
  if (text == "writer") return Role::writer;
  if (text == "admin") return Role::admin;
  return fail(ErrorCode::invalid_argument, "unknown role '{}' (expected admin, writer or reader)",
              text);
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::reader: return "reader";
    case Role::writer: return "writer";
    case Role::admin: return "admin";
  }
  return "reader";
}

std::string random_token(std::size_t bytes) {
  (void)init_sodium();
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  std::string encoded(
      sodium_base64_ENCODED_LEN(random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), random.data(), random.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(std::strlen(encoded.c_str()));
  sodium_memzero(random.data(), random.size());
  return encoded;
}

std::string key_hash(std::string_view key) {
  std::array<unsigned char, crypto_generichash_BYTES> hash{};
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  std::string hex(hash.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  hex.pop_back();
  return hex;
}

Result<NewKey> create_key(Store& store, std::string_view name, Role role, std::int64_t now) {
  if (!is_display_name(name)) {
    return fail(ErrorCode::invalid_argument,
                "a key name must be 1 to 100 bytes of text without control characters");
  }
  VAFA_CHECK(init_sodium());
  NewKey out;
  out.key = std::string(kKeyStart) + random_token(32);
  out.record = ApiKeyRecord{.name = std::string(name),
                            .role = std::string(to_string(role)),
                            .prefix = out.key.substr(0, kPrefixLength),
                            .hash = key_hash(out.key),
                            .created_at = now};
  VAFA_TRY(out.record.id, store.create_api_key(out.record));
  return out;
}

Result<Caller> authenticate(Store& store, std::string_view authorization) {
  const Error denied{ErrorCode::unauthenticated,
                     "a valid API key is needed: Authorization: Bearer <key>"};
  std::string_view rest = trim(authorization);
  constexpr std::string_view kBearer = "bearer ";
  if (rest.size() <= kBearer.size() || to_lower_ascii(rest.substr(0, kBearer.size())) != kBearer) {
    return std::unexpected(denied);
  }
  const std::string_view key = trim(rest.substr(kBearer.size()));
  if (!key.starts_with(kKeyStart) || key.size() < kPrefixLength || key.size() > 200) {
    return std::unexpected(denied);
  }
  VAFA_TRY(const std::optional<ApiKeyRecord> stored,
           store.api_key_by_prefix(key.substr(0, kPrefixLength)));
  if (!stored || stored->revoked_at) return std::unexpected(denied);
  const std::string hash = key_hash(key);
  if (hash.size() != stored->hash.size() ||
      sodium_memcmp(hash.data(), stored->hash.data(), hash.size()) != 0) {
    return std::unexpected(denied);
  }
  VAFA_TRY(const Role role, parse_role(stored->role));
  return Caller{.name = stored->name, .role = role};
}

}  // namespace vafa::api
