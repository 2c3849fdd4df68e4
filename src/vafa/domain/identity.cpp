#include "vafa/domain/identity.hpp"

#include <fmt/format.h>

#include "vafa/core/text.hpp"

namespace vafa {

std::string_view to_string(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::email: return "email";
    case IdentityKind::phone: return "phone";
    case IdentityKind::card: return "card";
    case IdentityKind::external: return "external";
  }
  return "external";
}

std::string Identity::key() const {
  if (kind == IdentityKind::external) return fmt::format("external:{}:{}", system, value);
  return fmt::format("{}:{}", to_string(kind), value);
}

std::string person_key(const Identity& identity) {
  if (identity.kind != IdentityKind::email) return identity.key();
  const std::string& email = identity.value;
  const auto at = email.rfind('@');
  if (at == std::string::npos) return identity.key();
  std::string local = email.substr(0, at);
  std::string domain = email.substr(at + 1);
  if (const auto plus = local.find('+'); plus != std::string::npos && plus > 0) local.resize(plus);
  if (domain == "gmail.com" || domain == "googlemail.com") {
    std::erase(local, '.');
    domain = "gmail.com";
  }
  return fmt::format("email:{}@{}", local, domain);
}

Result<Identity> make_email_identity(std::string_view raw) {
  const std::string email = to_lower_ascii(trim(raw));
  const auto at = email.find('@');
  const bool shape_ok =
      at != std::string::npos && at > 0 && email.find('@', at + 1) == std::string::npos &&
      email.find_first_of(" \t,;<>") == std::string::npos &&
      email.find('.', at + 2) != std::string::npos && email.back() != '.' && is_valid_utf8(email);
  if (!shape_ok) return fail(ErrorCode::invalid_argument, "'{}' is not an email address", raw);
  return Identity{IdentityKind::email, email, {}};
}

Result<Identity> make_phone_identity(std::string_view raw, std::string_view default_calling_code) {
  std::string digits;
  bool international = false;
  std::string_view text = trim(raw);
  if (!text.empty() && text.front() == '+') {
    international = true;
    text.remove_prefix(1);
  }
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return fail(ErrorCode::invalid_argument, "'{}' is not a phone number", raw);
    }
  }
  if (!international && digits.starts_with("00")) {
    international = true;
    digits.erase(0, 2);
  }
  if (!international) {
    if (default_calling_code.empty()) {
      return fail(ErrorCode::invalid_argument,
                  "phone '{}' has no country code (write it as +<code><number>)", raw);
    }
    if (digits.starts_with('0')) digits.erase(0, 1);
    digits = std::string(default_calling_code) + digits;
  }
  if (digits.size() < 8 || digits.size() > 15 || digits.front() == '0') {
    return fail(ErrorCode::invalid_argument, "'{}' is not a valid E.164 phone number", raw);
  }
  return Identity{IdentityKind::phone, "+" + digits, {}};
}

Result<Identity> make_card_identity(std::string_view raw) {
  const std::string_view text = trim(raw);
  if (text.empty() || text.size() > 64) {
    return fail(ErrorCode::invalid_argument, "'{}' is not a loyalty card number", raw);
  }
  std::string card;
  for (const char c : text) {
    const bool ok =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
    if (!ok) return fail(ErrorCode::invalid_argument, "'{}' is not a loyalty card number", raw);
    card += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return Identity{IdentityKind::card, card, {}};
}

Result<Identity> make_external_identity(std::string_view system, std::string_view raw) {
  const std::string sys = to_lower_ascii(trim(system));
  const std::string_view value = trim(raw);
  if (sys.empty() ||
      sys.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    return fail(ErrorCode::invalid_argument, "'{}' is not a system name ([a-z0-9_-]+)", system);
  }
  if (value.empty() || !is_valid_utf8(value)) {
    return fail(ErrorCode::invalid_argument, "external id for '{}' is empty or not UTF-8", sys);
  }
  return Identity{IdentityKind::external, std::string(value), sys};
}

}  // namespace vafa
