#include "vafa/loyalty/internal.hpp"

#include <sodium.h>

namespace vafa::loyalty::detail {

LedgerEntry shop(PointsAccount account, std::int64_t points) {
  return LedgerEntry{.account = account, .points = points};
}

LedgerEntry mine(PointsAccount account, std::int64_t customer, std::int64_t points) {
  return LedgerEntry{.account = account, .customer = customer, .points = points};
}

std::int64_t day_start(std::int64_t t) { return t - ((t % 86'400) + 86'400) % 86'400; }

// A random code: `prefix` and `length` characters of Crockford's base32 (5 random bits each),
// a dash after every `group` characters.
std::string random_code(std::string_view prefix, std::size_t length, std::size_t group) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::vector<unsigned char> random(length);
  randombytes_buf(random.data(), random.size());
  std::string code(prefix);
  for (std::size_t i = 0; i < random.size(); ++i) {
    if (i > 0 && i % group == 0) code.push_back('-');
    code.push_back(kAlphabet[random[i] % 32]);
  }
  return code;
}

// Adds a redemption under a fresh voucher code ("VF-XXXXX-XXXXX", 50 random bits), drawing
// again in the unlikely case that the code is taken.
Result<std::int64_t> add_with_voucher(Store& store, Redemption& redemption) {
  for (int attempt = 0;; ++attempt) {
    redemption.voucher = random_code("VF-", 10, 5);
    auto id = store.add_redemption(redemption);
    if (id) return *id;
    if (id.error().code != ErrorCode::conflict || attempt == 4) return std::unexpected(id.error());
  }
}

}  // namespace vafa::loyalty::detail
