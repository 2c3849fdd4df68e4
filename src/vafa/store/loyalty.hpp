// The loyalty club's records (docs/loyalty.md): the double-entry points ledger with its lots,
// the reward catalogue with redemptions and gifts, tiers, and the referral and affiliate
// programmes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/store/records.hpp"

namespace vafa {

// What one customer entry of a points transaction does to that customer's stored balance:
// the current accounts move by the entry, the lifetime counters by its kind.
struct BalanceChange {
  std::int64_t customer = 0;  // row id
  std::int64_t pending = 0, available = 0;
  std::int64_t earned = 0, redeemed = 0, expired = 0;
};

// The rules every backend's ledger keeps, decided here once: a transaction has a kind, a cause
// and two or more entries summing to zero, each customer entry with a customer and each shop
// entry without (invalid_argument otherwise); earn, bonus and reverse count as earned, redeem
// as redeemed and expire as expired. One change per customer entry, in entry order.
Result<std::vector<BalanceChange>> balance_changes(const LedgerTxn& txn);

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // Writes a transaction and its entries and updates the customers' balances; nullopt (and
  // nothing written) when (kind, cause) was posted before. The rules are balance_changes'.
  Result<std::optional<std::int64_t>> post_points(const LedgerTxn& txn) {
    VAFA_TRY(const std::vector<BalanceChange> changes, balance_changes(txn));
    return write_points(txn, changes);
  }
  virtual Result<std::optional<LedgerTxn>> points_txn(std::string_view kind,
                                                      std::string_view cause) = 0;
  virtual Result<std::int64_t> add_lot(const PointsLot& lot) = 0;
  virtual Status update_lot(std::int64_t id, std::int64_t remaining, bool pending) = 0;
  virtual Status add_lot_reversed(std::int64_t id, std::int64_t points) = 0;
  // A customer's lots with points left, oldest first.
  virtual Result<std::vector<PointsLot>> open_lots(std::int64_t customer) = 0;
  // The lots a transaction created.
  virtual Result<std::vector<PointsLot>> lots_of_txn(std::int64_t txn) = 0;
  // Lots that are due at `now`: pending ones to become available, available ones to expire.
  virtual Result<std::vector<PointsLot>> lots_due(std::int64_t now, std::size_t limit) = 0;
  virtual Result<PointsBalance> points_balance(std::int64_t customer) = 0;
  // Points a customer earned (kind earn) at [from, to).
  virtual Result<std::int64_t> points_earned(std::int64_t customer, std::int64_t from,
                                             std::int64_t to) = 0;
  // A customer's transactions, latest first, with ids below `before` if given.
  virtual Result<std::vector<LedgerTxn>> points_history(std::int64_t customer, std::size_t limit,
                                                        std::optional<std::int64_t> before) = 0;
  // Counts what breaks the ledger's invariants in what is stored (LedgerCheck).
  virtual Result<LedgerCheck> check_points() = 0;
  // The points each line of an order earned (by the earn transaction).
  virtual Status put_line_points(std::int64_t txn, const std::vector<std::int64_t>& points) = 0;
  virtual Result<std::vector<std::int64_t>> line_points(std::int64_t txn) = 0;
  // Customers with available points expiring at [from, to], by customer row after `after`.
  virtual Result<std::vector<ExpiringPoints>> expiring_points(std::int64_t from, std::int64_t to,
                                                              std::int64_t after,
                                                              std::size_t limit) = 0;
  // Every entry on the shop's points accounts (issued, redeemed, expired), with its
  // transaction's time, in no particular order.
  virtual Status scan_shop_points(
      const std::function<Status(PointsAccount account, std::int64_t points, std::int64_t at)>&
          visit) = 0;

 protected:
  // Stores a transaction that passed balance_changes, with its entries, and adds `changes` to
  // the balances, atomically; nullopt (nothing written) when (kind, cause) exists.
  virtual Result<std::optional<std::int64_t>> write_points(
      const LedgerTxn& txn, std::span<const BalanceChange> changes) = 0;
};

class RewardStore {
 public:
  virtual ~RewardStore() = default;

  // Creates (id 0; conflict when the code is taken) or replaces by id.
  virtual Result<std::int64_t> put_reward(const Reward& reward) = 0;
  virtual Result<std::optional<Reward>> get_reward(std::string_view code) = 0;
  virtual Result<std::vector<Reward>> rewards() = 0;
  // Takes one unit of stock if there is one (always true for unlimited stock).
  virtual Result<bool> take_reward_unit(std::int64_t reward) = 0;
  virtual Result<std::int64_t> count_redemptions(std::int64_t reward, std::int64_t customer) = 0;
  // conflict when the voucher code is taken.
  virtual Result<std::int64_t> add_redemption(const Redemption& redemption) = 0;
  virtual Result<std::vector<Redemption>> redemptions_of(std::int64_t customer) = 0;
  // Gifts are free redemptions with a cause: those whose cause starts with `prefix`; voiding
  // one records when and gives its unit of stock back.
  virtual Result<std::vector<Redemption>> gifts_with_cause(std::string_view prefix) = 0;
  virtual Status void_gift(std::int64_t redemption, std::int64_t at) = 0;
};

class TierStore {
 public:
  virtual ~TierStore() = default;

  // Net points earned (earn and reverse) and net spend (placed orders and returns in
  // `currency`) of a customer at [from, to), for qualification.
  virtual Result<std::int64_t> qualifying_points(std::int64_t customer, std::int64_t from,
                                                 std::int64_t to) = 0;
  virtual Result<std::int64_t> qualifying_spend(std::int64_t customer, std::string_view currency,
                                                std::int64_t from, std::int64_t to) = 0;
  virtual Result<std::optional<TierState>> tier_of(std::int64_t customer) = 0;
  // Writes the state; with `change`, also records it in the history.
  virtual Status put_tier(const TierState& state, const std::optional<TierChange>& change) = 0;
  virtual Result<std::vector<TierState>> tiered_customers() = 0;
  virtual Result<std::vector<TierChange>> tier_history(std::int64_t customer) = 0;
};

class ProgrammeStore {
 public:
  virtual ~ProgrammeStore() = default;

  // ---- referrals. put_referral_code: conflict when the code is taken; put_referral: conflict
  // when the referee was referred before.
  virtual Result<std::optional<ReferralCode>> referral_code_of(std::int64_t customer) = 0;
  virtual Result<std::optional<ReferralCode>> referral_code(std::string_view code) = 0;
  virtual Status put_referral_code(const ReferralCode& code) = 0;
  virtual Status put_referral(const Referral& referral) = 0;
  virtual Result<std::optional<Referral>> referral_of(std::int64_t referee) = 0;
  virtual Result<std::optional<Referral>> referral_by_order(std::string_view order_id) = 0;
  virtual Result<std::vector<Referral>> referrals_by(std::int64_t referrer) = 0;
  // Records (or, with nullopt, clears) the referee's qualifying order.
  virtual Status set_referral_order(std::int64_t referee, const std::optional<std::string>& order,
                                    std::optional<std::int64_t> at) = 0;

  // ---- affiliates. put_affiliate creates (id 0; conflict when the code is taken) or replaces
  // by id. add_affiliate_entry returns false (and writes nothing) when the cause exists.
  virtual Result<std::int64_t> put_affiliate(const Affiliate& affiliate) = 0;
  virtual Result<std::optional<Affiliate>> get_affiliate(std::string_view code) = 0;
  virtual Result<std::vector<Affiliate>> affiliates() = 0;
  virtual Result<bool> add_affiliate_entry(const AffiliateEntry& entry) = 0;
  virtual Result<std::vector<AffiliateEntry>> affiliate_entries_of(std::string_view order_id) = 0;
  // Every affiliate's net movements at [from, to), by affiliate code and currency.
  virtual Result<std::vector<AffiliatePayable>> affiliate_payable(std::int64_t from,
                                                                  std::int64_t to) = 0;
};

}  // namespace vafa
