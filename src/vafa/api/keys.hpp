// API keys (docs/api.md): `vafa keys create` makes a random key, shows it once and stores only
// its first characters and a BLAKE2b-256 hash (libsodium); a request presents it as
// `Authorization: Bearer KEY`. Keys are 256 random bits, so a fast hash is enough (a password
// hash such as Argon2id is for low-entropy secrets); hashes are compared in constant time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/store/store.hpp"

namespace vafa::api {

// What a key may do: readers read, writers also write data, admins also manage keys and
// settings.
enum class Role { reader, writer, admin };
Result<Role> parse_role(std::string_view text);
std::string_view to_string(Role role);
inline bool allows(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

struct NewKey {
  std::string key;  // shown once, never stored
  ApiKeyRecord record;
};

// Creates and stores a key; the name must be 1 to 100 printable bytes and unused.
Result<NewKey> create_key(Store& store, std::string_view name, Role role, std::int64_t now);

struct Caller {
  std::string name;
  Role role = Role::reader;
};

// Checks an Authorization header value ("Bearer KEY"). unauthenticated for a missing,
// malformed, unknown or revoked key (one message for all, so a caller learns nothing).
Result<Caller> authenticate(Store& store, std::string_view authorization);

// `bytes` random bytes (libsodium) in URL-safe base64 without padding: keys, session tokens.
std::string random_token(std::size_t bytes = 32);

// The hex BLAKE2b-256 of a key (for tests and the store).
std::string key_hash(std::string_view key);

}  // namespace vafa::api
