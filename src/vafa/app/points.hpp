// The loyalty club's actions on one customer, as a person or a program asks for them: an
// adjustment of points with a reason (named by whoever made it and the request's key, so a
// retry never adjusts twice), a transfer between two customers, a reward redeemed, a tier set by
// hand, and the periodic job (pending points mature, points expire, tiers are reviewed,
// birthdays earn their bonus, dashboard sessions end). Each runs inside the caller's
// transaction (context.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vafa/app/context.hpp"

namespace vafa::app {

// Who asks, for the ledger's cause and note: the key's or user's name, and the request's
// Idempotency-Key, which names the action.
struct Actor {
  std::string name;
  std::string key;
};

struct PointsMoved {
  std::int64_t points = 0;  // as posted
  PointsBalance balance;    // of the customer (the sender of a transfer) afterwards
};

// Adds (or with a negative number takes) points with a reason.
Result<PointsMoved> adjust_points(const Context& context, std::string_view customer_id,
                                  std::int64_t points, std::string_view reason, const Actor& actor);

// Moves points from one customer to another (invalid_fields on /to when they are the same).
Result<PointsMoved> transfer_points(const Context& context, std::string_view from_id,
                                    std::string_view to_id, std::int64_t points,
                                    const Actor& actor);

struct Redeemed {
  Redemption redemption;
  PointsBalance balance;
};
Result<Redeemed> redeem_reward(const Context& context, std::string_view customer_id,
                               std::string_view reward_code);

// Sets a customer's tier by hand (nullopt: withdraws a hand-set tier).
Result<TierChange> set_tier(const Context& context, std::string_view customer_id,
                            const std::optional<std::string>& tier);

struct MaintenanceSummary {
  std::int64_t sessions_ended = 0;
  // With the loyalty club on:
  std::optional<loyalty::DueSummary> due;
  std::int64_t tier_changes = 0;
  std::int64_t birthday_bonuses = 0;
};
Result<MaintenanceSummary> run_maintenance(const Context& context);

}  // namespace vafa::app
