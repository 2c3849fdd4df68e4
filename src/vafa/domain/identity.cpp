#include "vafa/domain/identity.hpp"

#include <charconv>

#include <fmt/format.h>
#include <phonenumbers/phonenumberutil.h>

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

Result<Identity> make_phone_identity(std::string_view raw, std::string_view default_calling_code,
                                     std::string_view region) {
  using ::i18n::phonenumbers::PhoneNumber;
  using ::i18n::phonenumbers::PhoneNumberUtil;
  std::string text(trim(raw));
  bool international = !text.empty() && text.front() == '+';
  std::size_t digits = 0;
  for (std::size_t i = international ? 1 : 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return fail(ErrorCode::invalid_argument, "'{}' is not a phone number", raw);
    }
  }
  if (digits < 4 || digits > 17) {
    return fail(ErrorCode::invalid_argument, "'{}' is not a valid E.164 phone number", raw);
  }
  if (!international && text.starts_with("00")) {
    international = true;
    text.replace(0, 2, "+");
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string country;
  if (international) {
    country = "ZZ";  // the number carries its own calling code
  } else if (!region.empty()) {
    country = to_upper_ascii(region);
  } else if (!default_calling_code.empty()) {
    int code = 0;
    const auto [ptr, ec] =
        std::from_chars(default_calling_code.data(),
                        default_calling_code.data() + default_calling_code.size(), code);
    if (ec == std::errc{} && ptr == default_calling_code.data() + default_calling_code.size()) {
      util.GetRegionCodeForCountryCode(code, &country);
    }
    if (country.empty() || country == "ZZ") {
      return fail(ErrorCode::invalid_argument, "'{}' is not a country calling code",
                  default_calling_code);
    }
  } else {
    return fail(ErrorCode::invalid_argument,
                "phone '{}' has no country code (write it as +<code><number>, or give the row a "
                "country)",
                raw);
  }
  PhoneNumber number;
  if (util.Parse(text, country, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return fail(ErrorCode::invalid_argument, "'{}' is not a valid E.164 phone number", raw);
  }
  if (util.IsPossibleNumberWithReason(number) != PhoneNumberUtil::IS_POSSIBLE) {
    return fail(ErrorCode::invalid_argument, "'{}' has the wrong length for a phone number{}", raw,
                international ? std::string() : fmt::format(" in {}", country));
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  // Numbers shorter than 8 digits in all are short codes and extensions, not a person's line.
  if (e164.size() < 9) {
    return fail(ErrorCode::invalid_argument, "'{}' is too short for a phone number", raw);
  }
  return Identity{IdentityKind::phone, std::move(e164), {}};
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
