// Helpers shared by the club's source files (not part of the loyalty layer's interface).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vafa/store/store.hpp"

namespace vafa::loyalty::detail {

// An entry on one of the shop's accounts (issued, redeemed, expired).
LedgerEntry shop(PointsAccount account, std::int64_t points);
// An entry on one of a customer's accounts (pending, available).
LedgerEntry mine(PointsAccount account, std::int64_t customer, std::int64_t points);

// The start of the UTC day holding `t`.
std::int64_t day_start(std::int64_t t);

// A random code: `prefix` and `length` characters of Crockford's base32 (5 random bits each,
// from libsodium), a dash after every `group` characters.
std::string random_code(std::string_view prefix, std::size_t length, std::size_t group);

// Adds a redemption under a fresh voucher code ("VF-XXXXX-XXXXX", 50 random bits), drawing
// again in the unlikely case that the code is taken; returns its id.
Result<std::int64_t> add_with_voucher(Store& store, Redemption& redemption);

}  // namespace vafa::loyalty::detail
