// What the API's handler files share (not part of the API layer's interface): helpers for
// answers, and the handlers that live outside service.cpp (the route table is there).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "vafa/api/service.hpp"

namespace vafa::api::detail {

inline constexpr std::string_view kBase = "/api/v1";

// Percent-encodes a path segment (RFC 3986 unreserved characters pass).
std::string encode_segment(std::string_view text);

inline std::string customer_location(std::string_view id) {
  return fmt::format("{}/customers/{}", kBase, encode_segment(id));
}
inline std::string order_location(std::string_view id) {
  return fmt::format("{}/orders/{}", kBase, encode_segment(id));
}

inline Reply from(const Error& error) { return problem(error); }

// ?limit=N within [1, most] (fallback when absent); -1 when malformed.
std::int64_t limit_of(const Target& target, std::int64_t fallback, std::int64_t most);

// A whole-number query parameter in [low, high], or `fallback` when absent; invalid_argument
// naming it otherwise.
Result<std::int64_t> number_param(const Target& target, std::string_view name,
                                  std::int64_t fallback, std::int64_t low, std::int64_t high);

// Takes an optional code field (`referred_by`, `affiliate`) out of a body before the rest is
// mapped, since it is not part of the mapped value: `code` receives it. invalid_fields naming the
// field when it is not text of 1 to 64 bytes.
std::optional<Error> take_code(Json& body, std::string_view key, std::string_view what,
                               std::optional<std::string>& code);

// conflict when the server runs without a loyalty club.
std::optional<Error> need_club(const Service& service);

// programmes.cpp: referrals, transfers and affiliates.
Step create_referral_code(const Service& service, Call& call);
Step customer_referrals(const Service& service, Call& call);
Step set_referrer(const Service& service, Call& call);
Step transfer_points(const Service& service, Call& call);
Step list_affiliates(const Service& service, Call& call);
Step create_affiliate(const Service& service, Call& call);
Step update_affiliate(const Service& service, Call& call);
Step affiliate_payable(const Service& service, Call& call);
Step expiring_points(const Service& service, Call& call);
// session.cpp: dashboard sign-in.
Step sign_in(const Service& service, Call& call);
Step get_session(const Service& service, Call& call);
Step sign_out(const Service& service, Call& call);
// dashboard.cpp: the dashboard's reads.
Step dashboard_view(const Service& service, Call& call);
Step dashboard_customers(const Service& service, Call& call);
Step segment_preview(const Service& service, Call& call);
Step customer_timeline(const Service& service, Call& call);

}  // namespace vafa::api::detail
