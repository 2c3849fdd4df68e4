#include "vafa/app/points.hpp"

namespace vafa::app {

namespace {

Result<std::int64_t> row_of(Store& store, std::string_view id) {
  return need(store.customer_row(id), "customer", id);
}

}  // namespace

Result<PointsMoved> adjust_points(const Context& context, std::string_view customer_id,
                                  std::int64_t points, std::string_view reason,
                                  const Actor& actor) {
  VAFA_TRY(const std::int64_t row, row_of(context.store, customer_id));
  const std::string cause = fmt::format("adjust:{}:{}", actor.name, actor.key);
  const std::string note = fmt::format("{} (by {})", reason, actor.name);
  VAFA_TRY(const std::int64_t moved,
           context.club.adjust(context.store, row, points, note, cause, context.now));
  VAFA_TRY(const PointsBalance balance, context.store.points_balance(row));
  return PointsMoved{.points = moved, .balance = balance};
}

Result<PointsMoved> transfer_points(const Context& context, std::string_view from_id,
                                    std::string_view to_id, std::int64_t points,
                                    const Actor& actor) {
  VAFA_TRY(const std::int64_t from, row_of(context.store, from_id));
  VAFA_TRY(const std::int64_t to, row_of(context.store, to_id));
  if (from == to) return fail(field_error("/to", "names the same customer; a transfer needs two"));
  const std::string cause = fmt::format("transfer:{}:{}", actor.name, actor.key);
  VAFA_TRY(const std::int64_t moved,
           context.club.transfer(context.store, from, to, points, cause, context.now));
  VAFA_TRY(const PointsBalance balance, context.store.points_balance(from));
  return PointsMoved{.points = moved, .balance = balance};
}

Result<Redeemed> redeem_reward(const Context& context, std::string_view customer_id,
                               std::string_view reward_code) {
  VAFA_TRY(const std::int64_t row, row_of(context.store, customer_id));
  VAFA_TRY(Redemption made, context.club.redeem(context.store, row, reward_code, context.now));
  VAFA_TRY(const PointsBalance balance, context.store.points_balance(row));
  return Redeemed{.redemption = std::move(made), .balance = balance};
}

Result<TierChange> set_tier(const Context& context, std::string_view customer_id,
                            const std::optional<std::string>& tier) {
  VAFA_TRY(const std::int64_t row, row_of(context.store, customer_id));
  return context.club.set_tier(context.store, row, tier, context.now);
}

Result<MaintenanceSummary> run_maintenance(const Context& context) {
  MaintenanceSummary summary;
  VAFA_TRY(summary.sessions_ended, context.store.forget_sessions(context.now));
  if (!context.club.config().enabled) return summary;
  VAFA_TRY(summary.due, context.club.run_due(context.store, context.now));
  VAFA_TRY(summary.tier_changes, context.club.review_tiers(context.store, context.now));
  VAFA_TRY(summary.birthday_bonuses, context.club.birthdays(context.store, context.now));
  return summary;
}

}  // namespace vafa::app
