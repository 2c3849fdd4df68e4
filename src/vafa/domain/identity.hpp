// Identities: the keys by which one customer is recognised on different channels.
#pragma once

#include <string>
#include <string_view>

#include "vafa/core/error.hpp"

namespace vafa {

enum class IdentityKind { email, phone, card, external };

std::string_view to_string(IdentityKind kind);

// A normalised identity. `system` is set only for external ids ("shopify", "pos").
struct Identity {
  IdentityKind kind = IdentityKind::email;
  std::string value;
  std::string system;

  // The stored key: "email:ali@example.com", "phone:+37491123456", "card:00123",
  // "external:shopify:987".
  std::string key() const;
  friend bool operator==(const Identity&, const Identity&) = default;
};

// The key of the person behind an identity, for telling whether two customers may be one
// person (a referral between them is refused): an email without its "+tag", and for Gmail
// without dots (ali.r+shop@googlemail.com and alir@gmail.com are one mailbox); other kinds as
// key() gives them.
std::string person_key(const Identity& identity);

// Lower-cases and checks the shape local@domain.tld (no spaces, one @, a dot in the domain).
Result<Identity> make_email_identity(std::string_view raw);

// Normalises to E.164 with libphonenumber: spaces, dots, dashes and parentheses are dropped, a
// leading "00" is "+", and the number must have a possible length for its country. A number
// without a country prefix is read as a national number (trunk "0" and all) of `region`, the
// ISO 3166 code of the customer's country ("09121234567" in IR is +989121234567), or else of
// the country of `default_calling_code` ("98", "374"); without either it is an error.
Result<Identity> make_phone_identity(std::string_view raw,
                                     std::string_view default_calling_code = {},
                                     std::string_view region = {});

// A loyalty card number: letters, digits and dashes, kept as given (upper-cased).
Result<Identity> make_card_identity(std::string_view raw);

// An id in another system: `system` is a lower-case word ([a-z0-9_-]), the value any non-empty
// text.
Result<Identity> make_external_identity(std::string_view system, std::string_view raw);

}  // namespace vafa
