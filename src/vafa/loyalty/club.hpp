// The loyalty club's ledger operations (docs/loyalty.md): earning on orders (multipliers,
// campaigns, minimum, caps), bonuses, reversal on cancellation, adjustments, pending points
// becoming available and expiry. Every movement is a balanced transaction posted once per
// cause, so retries and jobs run twice change nothing. Operations run inside the caller's
// transaction (the API's writer, or the CLI's).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "vafa/domain/model.hpp"
#include "vafa/loyalty/config.hpp"
#include "vafa/store/store.hpp"

namespace vafa::loyalty {

struct Earning {
  std::int64_t points = 0;
  std::vector<std::int64_t> per_line;  // the points of each order line (they sum to points)
  std::string note;                    // why fewer than the rate gives (minimum, cap, currency)
};

struct Balance {
  PointsBalance points;
  std::int64_t expiring_soon = 0;              // available points expiring within notice_days
  std::optional<std::int64_t> next_expiry_at;  // when the first of them expire
};

// A customer's tier as it stands, and what the next one needs.
struct TierView {
  const Tier* tier = nullptr;      // nullptr when no tiers are configured
  std::optional<TierState> state;  // as stored; unset before the customer's first review
  std::int64_t value = 0;          // the measure (points or minor units of spend) over the window
  const Tier* next = nullptr;
  std::int64_t to_next = 0;
};

// What an order brought: its points, the first-order bonus, a referral credited by it, and
// the gifts it earned (vouchers, or notes on gifts out of stock).
struct OrderRewards {
  std::int64_t points = 0;
  std::int64_t first_order_bonus = 0;
  std::optional<Referral> referral;  // credited by this order
  std::vector<Redemption> gifts;
  std::vector<std::string> notes;
};

// What cancelling an order took back.
struct OrderReversal {
  std::int64_t points = 0;           // of the order itself
  std::int64_t referral_points = 0;  // of both referral bonuses, while they were pending
  std::int64_t gifts_voided = 0;
};

struct DueSummary {
  std::int64_t matured_lots = 0, matured_points = 0;
  std::int64_t expired_lots = 0, expired_points = 0;
};

class Club {
 public:
  explicit Club(Config config) : config_(std::move(config)) {}
  const Config& config() const { return config_; }

  // The points an order earns before the daily cap; `category_of` maps each line's sku to
  // its category (missing: none).
  Earning points_for(const Order& order,
                     const std::function<std::string(std::string_view sku)>& category_of,
                     std::int64_t tier_percent = 100) const;

  // Posts an order's points (cause order:ID) into pending, maturing at once when the return
  // window is already over. Returns the points (0: nothing earned, or earned before).
  Result<std::int64_t> earn_for_order(Store& store, const Order& order, std::int64_t now) const;
  // Reverses what an order earned (cause order:ID): pending points first, then the available
  // ones; points already spent come from other lots, drive the balance negative
  // (allow_negative) or are written off (noted). Returns the points taken back.
  Result<std::int64_t> reverse_order(Store& store, std::string_view order_id,
                                     std::int64_t now) const;
  // Takes back the points of returned units (cause return:RETURN_ID): for each line of the
  // original order, the units returned now, those returned before and those bought.
  struct ReturnedLine {
    std::size_t line = 0;
    std::int64_t quantity = 0, before = 0, bought = 0;
  };
  Result<std::int64_t> reverse_return(Store& store, std::string_view order_id,
                                      std::string_view return_id,
                                      const std::vector<ReturnedLine>& lines,
                                      std::int64_t now) const;

  // A configured bonus (signup, first_order, review, referral, nps, birthday) once per cause.
  Result<std::int64_t> bonus(Store& store, std::int64_t customer, std::string_view kind,
                             std::string_view cause, std::int64_t now) const;
  // A manual adjustment (positive or negative); `cause` makes it idempotent.
  Result<std::int64_t> adjust(Store& store, std::int64_t customer, std::int64_t points,
                              std::string_view reason, std::string_view cause,
                              std::int64_t now) const;
  // An order arrived (through the API): it earns, the customer's first order brings its bonus,
  // a referee's first qualifying order credits the referral, and gift rules give vouchers.
  Result<OrderRewards> on_order(Store& store, const Order& order, std::int64_t now) const;
  // An order was cancelled: reverses its points, a referral it credited while the bonuses are
  // still pending, and voids its gifts.
  Result<OrderReversal> on_cancel(Store& store, std::string_view order_id, std::int64_t now) const;

  // Referrals. The customer's code (made on first request). refer() records that `referee`
  // came through `code`, refused (conflict) for the referee's own code, a referrer who shares
  // an identity of the person (person_key), a referee referred before or one who has ordered.
  Result<ReferralCode> referral_code(Store& store, std::int64_t customer, std::int64_t now) const;
  Result<Referral> refer(Store& store, std::string_view referee_id, std::string_view code,
                         std::int64_t now) const;
  // Takes back a referral credited by `order_id` while its bonuses are pending; the referee's
  // next qualifying order may then credit it. Returns the points taken back.
  Result<std::int64_t> void_referral(Store& store, std::string_view order_id,
                                     std::int64_t now) const;

  // Birthday bonuses for customers born on the day of `now` (UTC; 29 February counts on
  // 28 February in other years), once a year each; the job does it once a day.
  Result<std::int64_t> birthdays(Store& store, std::int64_t now) const;

  // Moves available points from one customer to another (a family pooling points): oldest
  // lots first, each slice keeping its expiry. `cause` makes it idempotent.
  Result<std::int64_t> transfer(Store& store, std::int64_t from, std::int64_t to,
                                std::int64_t points, std::string_view cause,
                                std::int64_t now) const;

  // Pending points whose window has passed become available; expired points expire.
  Result<DueSummary> run_due(Store& store, std::int64_t now) const;

  Result<Balance> balance(Store& store, std::int64_t customer, std::int64_t now) const;

  // Tiers. tier() reads; review_tier() upgrades at once (with the tier's free gift), notes
  // when a customer falls below their tier, and downgrades only when `review` is set and the
  // grace period has passed. review_tiers() is the job: at its first run in a new review
  // period it reviews every customer with a tier; otherwise it does nothing. set_tier() is an
  // admin's invitation (or, with nullopt, its withdrawal).
  Result<TierView> tier(Store& store, std::int64_t customer, std::int64_t now) const;
  Result<std::optional<TierChange>> review_tier(Store& store, std::int64_t customer,
                                                std::int64_t now, bool review) const;
  Result<std::int64_t> review_tiers(Store& store, std::int64_t now) const;
  Result<TierChange> set_tier(Store& store, std::int64_t customer,
                              const std::optional<std::string>& tier, std::int64_t now) const;

  // Spends points on a reward of the catalogue and issues a voucher. Atomic inside the
  // caller's transaction: the unit of stock is taken with a conditional update first, so two
  // redemptions can never share the last unit; a refusal (not_found, conflict: not available,
  // limit reached, out of stock, too few points) leaves nothing behind once rolled back.
  Result<Redemption> redeem(Store& store, std::int64_t customer, std::string_view reward_code,
                            std::int64_t now) const;

 private:
  // earn_for_order for the customer with row id `customer`.
  Result<std::int64_t> earn(Store& store, std::int64_t customer, const Order& order,
                            std::int64_t now) const;
  // Takes up to `points` from the customer's available lots, oldest first; returns how many.
  // With `by_expiry`, adds what it took to it by the lots' expiry (unset: never).
  Result<std::int64_t> consume(
      Store& store, std::int64_t customer, std::int64_t points,
      std::map<std::optional<std::int64_t>, std::int64_t>* by_expiry = nullptr) const;
  // Posts a reversal (cause): points leave the customer's pending and available accounts, and
  // `owed` more (already spent) come from other lots, go below zero (allow_negative) or are
  // written off (noted). Returns the points taken back.
  Result<std::int64_t> post_reversal(Store& store, std::int64_t customer, std::int64_t from_pending,
                                     std::int64_t from_available, std::int64_t owed,
                                     std::string cause, std::int64_t now) const;
  // Posts points from the shop (kind, cause): available now, or pending until `available_at`
  // when that is later. The lot expires by the policy unless `expires_at` is given.
  Result<std::int64_t> add_points(Store& store, std::int64_t customer, std::int64_t points,
                                  std::string_view kind, std::string_view cause, std::string note,
                                  std::int64_t now, std::int64_t available_at) const;
  Result<std::int64_t> add_available(Store& store, std::int64_t customer, std::int64_t points,
                                     std::string_view kind, std::string_view cause,
                                     std::string note, std::int64_t now) const {
    return add_points(store, customer, points, kind, cause, std::move(note), now, now);
  }
  // The person key two customers share (docs/loyalty.md: referrals), if any.
  Result<std::optional<std::string>> shared_person(Store& store, std::string_view a,
                                                   std::string_view b) const;
  // Credits the referral of the order's customer when this is their first qualifying order.
  Result<std::optional<Referral>> credit_referral(Store& store, std::int64_t customer,
                                                  const Order& order, std::int64_t now) const;
  // The gifts an order earns by the [[loyalty.gift]] rules.
  Result<std::vector<Redemption>> order_gifts(Store& store, std::int64_t customer,
                                              const Order& order, std::int64_t now,
                                              std::vector<std::string>& notes) const;
  // Issues a free voucher of `reward` (cause: empty, or unique). A note instead when the
  // reward is missing, inactive or out of stock.
  Result<std::optional<Redemption>> issue_gift(Store& store, std::int64_t customer,
                                               std::string_view reward, std::string cause,
                                               std::int64_t now, std::string& note) const;
  Result<std::int64_t> measure(Store& store, std::int64_t customer, std::int64_t now) const;
  // The tier a stored state stands for (a tier removed from vafa.toml falls back to what
  // `value` reaches), or the base tier without one.
  const Tier* tier_of(const std::optional<TierState>& state, std::int64_t value) const;
  // The highest tier open to all that `value` reaches.
  const Tier* qualified(std::int64_t value) const;
  // Issues a tier's gift (a free redemption); a note when it cannot.
  Result<std::string> give_gift(Store& store, std::int64_t customer, const Tier& tier,
                                std::int64_t now) const;
  Config config_;
};

}  // namespace vafa::loyalty
