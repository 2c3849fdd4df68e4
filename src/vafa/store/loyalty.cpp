// The ledger's rules, the same for every backend.

#include "vafa/store/loyalty.hpp"

#include <fmt/format.h>

namespace vafa {

namespace {

bool customer_account(PointsAccount a) {
  return a == PointsAccount::pending || a == PointsAccount::available;
}

}  // namespace

Result<std::vector<BalanceChange>> balance_changes(const LedgerTxn& txn) {
  if (txn.kind.empty() || txn.cause.empty()) {
    return fail(ErrorCode::invalid_argument, "a points transaction needs a kind and a cause");
  }
  if (txn.entries.size() < 2) {
    return fail(ErrorCode::invalid_argument, "points transaction {}:{} has fewer than two entries",
                txn.kind, txn.cause);
  }
  const bool earning = txn.kind == "earn" || txn.kind == "bonus" || txn.kind == "reverse";
  const bool redeeming = txn.kind == "redeem";
  const bool expiring = txn.kind == "expire";
  std::vector<BalanceChange> changes;
  std::int64_t sum = 0;
  for (const LedgerEntry& e : txn.entries) {
    if (customer_account(e.account) != e.customer.has_value()) {
      return fail(ErrorCode::invalid_argument, "points entry on '{}' {} a customer",
                  to_string(e.account), e.customer ? "must not have" : "needs");
    }
    if (__builtin_add_overflow(sum, e.points, &sum)) {
      return fail(ErrorCode::invalid_argument, "points transaction {}:{} overflows", txn.kind,
                  txn.cause);
    }
    if (!e.customer) continue;
    const bool pending = e.account == PointsAccount::pending;
    changes.push_back(BalanceChange{.customer = *e.customer,
                                    .pending = pending ? e.points : 0,
                                    .available = pending ? 0 : e.points,
                                    .earned = earning ? e.points : 0,
                                    .redeemed = redeeming ? -e.points : 0,
                                    .expired = expiring ? -e.points : 0});
  }
  if (sum != 0) {
    return fail(ErrorCode::invalid_argument,
                "points transaction {}:{} does not balance: its entries sum to {}", txn.kind,
                txn.cause, sum);
  }
  return changes;
}

std::string LedgerCheck::problems() const {
  std::string out;
  const auto add = [&out](std::int64_t n, std::string_view what) {
    if (n != 0) out += fmt::format("{}{} {}", out.empty() ? "" : "; ", n, what);
  };
  add(total, "points: the sum of all entries");
  add(unbalanced_txns, "transactions whose entries do not sum to zero");
  add(wrong_balances, "stored balances that differ from their entries");
  add(lots_not_matching, "customers whose lots do not add up to their balance");
  return out;
}

}  // namespace vafa
