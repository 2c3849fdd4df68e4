#include "vafa/loyalty/club.hpp"

#include <algorithm>
#include <numeric>

#include <sodium.h>

#include "vafa/loyalty/internal.hpp"

namespace vafa::loyalty {

using namespace detail;

namespace {

__extension__ typedef __int128 Wide;  // products of amounts and percents

// Splits `total` over weights in proportion, by largest remainder (exact, deterministic).
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<Wide>& weights) {
  std::vector<std::int64_t> out(weights.size(), 0);
  Wide sum = 0;
  for (const Wide w : weights) sum += w;
  if (sum <= 0 || total <= 0) return out;
  std::vector<std::pair<Wide, std::size_t>> remainders;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const Wide share = weights[i] * total;
    out[i] = static_cast<std::int64_t>(share / sum);
    given += out[i];
    remainders.emplace_back(share % sum, i);
  }
  std::ranges::sort(remainders, [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (std::size_t k = 0; given < total && k < remainders.size(); ++k, ++given) {
    ++out[remainders[k].second];
  }
  return out;
}

}  // namespace

Earning Club::points_for(const Order& order,
                         const std::function<std::string(std::string_view sku)>& category_of,
                         std::int64_t tier_percent) const {
  Earning earning;
  earning.per_line.assign(order.lines.size(), 0);
  if (!config_.enabled) return earning;
  if (order.currency != config_.currency) {
    earning.note = fmt::format("orders in {} earn no points (the club counts {})",
                               order.currency.code(), config_.currency.code());
    return earning;
  }
  if (order.status != OrderStatus::placed) return earning;
  if (order.total_minor() < config_.minimum_order_minor) {
    earning.note =
        fmt::format("below the minimum order of {} {}",
                    format_minor_units(config_.minimum_order_minor, config_.currency.exponent()),
                    config_.currency.code());
    return earning;
  }
  const Timestamp at = order.placed_at;
  const auto channel = config_.channel_percent.find(order.channel);
  const Wide channel_percent = channel == config_.channel_percent.end() ? 100 : channel->second;
  // weight = amount x category% x channel% x campaign% (each campaign that applies multiplies).
  std::vector<Wide> weights;
  Wide weighted = 0;
  Wide scale = 100 * 100 * 100;  // category, channel and tier percents
  std::size_t campaigns_used = 0;
  for (const Campaign& c : config_.campaigns) {
    if (at >= c.start && at < c.end) ++campaigns_used;
  }
  for (std::size_t i = 0; i < campaigns_used; ++i) scale *= 100;
  for (const OrderLine& line : order.lines) {
    const std::string category = category_of(line.product_sku);
    const auto cat = config_.category_percent.find(category);
    Wide w = std::max<std::int64_t>(line.amount_minor, 0);
    w *= cat == config_.category_percent.end() ? 100 : cat->second;
    w *= channel_percent;
    w *= tier_percent;
    for (const Campaign& c : config_.campaigns) {
      if (!(at >= c.start && at < c.end)) continue;
      const bool channel_ok =
          c.channels.empty() || std::ranges::find(c.channels, order.channel) != c.channels.end();
      const bool category_ok =
          c.categories.empty() || std::ranges::find(c.categories, category) != c.categories.end();
      w *= channel_ok && category_ok ? c.percent : 100;
    }
    weights.push_back(w);
    weighted += w;
  }
  Wide points = weighted * config_.points_per_unit / (scale * config_.unit_minor);
  if (config_.max_points_per_order > 0 && points > config_.max_points_per_order) {
    points = config_.max_points_per_order;
    earning.note = fmt::format("capped at {} points per order", config_.max_points_per_order);
  }
  earning.points = static_cast<std::int64_t>(points);
  earning.per_line = apportion(earning.points, weights);
  return earning;
}

Result<std::int64_t> Club::earn_for_order(Store& store, const Order& order,
                                          std::int64_t now) const {
  if (!config_.enabled || order.is_guest()) return 0;
  VAFA_TRY(const std::int64_t customer,
           need(store.customer_row(order.customer_id), "customer", order.customer_id));
  return earn(store, customer, order, now);
}

Result<std::int64_t> Club::earn(Store& store, std::int64_t customer, const Order& order,
                                std::int64_t now) const {
  std::int64_t tier_percent = 100;
  if (!config_.tiers.empty()) {
    // The tier as it stands; the measure over the window is needed only when a tier stored
    // for the customer is no longer in vafa.toml.
    VAFA_TRY(const auto state, store.tier_of(customer));
    std::int64_t value = 0;
    if (state && config_.tier(state->tier) == nullptr) {
      VAFA_TRY(value, measure(store, customer, now));
    }
    tier_percent = tier_of(state, value)->percent;
  }
  Earning earning = points_for(
      order,
      [&store](std::string_view sku) -> std::string {
        auto product = store.get_product(sku);
        return product && *product ? (*product)->category : std::string();
      },
      tier_percent);
  const std::int64_t placed = unix_seconds(order.placed_at);
  if (config_.max_points_per_day > 0 && earning.points > 0) {
    VAFA_TRY(const std::int64_t today,
             store.points_earned(customer, day_start(placed), day_start(placed) + 86'400));
    const std::int64_t room = std::max<std::int64_t>(config_.max_points_per_day - today, 0);
    if (earning.points > room) {
      earning.note = fmt::format("capped at {} points a day", config_.max_points_per_day);
      earning.points = room;
      earning.per_line =
          apportion(room, std::vector<Wide>(earning.per_line.begin(), earning.per_line.end()));
    }
  }
  if (earning.points <= 0) return 0;
  const std::string cause = fmt::format("order:{}", order.id);
  VAFA_TRY(const auto txn,
           store.post_points(
               LedgerTxn{.kind = "earn",
                         .cause = cause,
                         .customer = customer,
                         .at = placed,
                         .note = earning.note,
                         .entries = {shop(PointsAccount::issued, -earning.points),
                                     mine(PointsAccount::pending, customer, earning.points)}}));
  if (!txn) return 0;  // earned before
  VAFA_CHECK(store.put_line_points(*txn, earning.per_line));
  PointsLot lot{.customer = customer,
                .txn = *txn,
                .points = earning.points,
                .remaining = earning.points,
                .pending = true,
                .available_at = placed + config_.pending_days * 86'400,
                .expires_at = expiry_of(config_, placed)};
  VAFA_TRY(lot.id, store.add_lot(lot));
  if (lot.available_at <= now) VAFA_CHECK(status_of(run_due(store, now)));
  if (!config_.tiers.empty()) VAFA_CHECK(status_of(review_tier(store, customer, now, false)));
  return earning.points;
}

Result<std::int64_t> Club::consume(
    Store& store, std::int64_t customer, std::int64_t points,
    std::map<std::optional<std::int64_t>, std::int64_t>* by_expiry) const {
  VAFA_TRY(const std::vector<PointsLot> lots, store.open_lots(customer));
  std::int64_t taken = 0;
  for (const PointsLot& lot : lots) {
    if (taken == points) break;
    if (lot.pending) continue;
    const std::int64_t take = std::min(lot.remaining, points - taken);
    VAFA_CHECK(store.update_lot(lot.id, lot.remaining - take, false));
    if (by_expiry != nullptr) (*by_expiry)[lot.expires_at] += take;
    taken += take;
  }
  return taken;
}

Result<std::int64_t> Club::reverse_order(Store& store, std::string_view order_id,
                                         std::int64_t now) const {
  VAFA_TRY(const auto earned, store.points_txn("earn", fmt::format("order:{}", order_id)));
  if (!earned || !earned->customer) return 0;
  const std::int64_t customer = *earned->customer;
  VAFA_TRY(const std::vector<PointsLot> lots, store.lots_of_txn(earned->id));
  std::int64_t from_pending = 0, from_available = 0;
  std::int64_t owed = 0;  // spent points of these lots, to take from elsewhere
  for (const PointsLot& lot : lots) {
    if (lot.pending) {
      from_pending += lot.remaining;
    } else {
      from_available += lot.remaining;
      VAFA_TRY(const auto expired, store.points_txn("expire", fmt::format("lot:{}", lot.id)));
      std::int64_t gone = 0;
      if (expired) {
        for (const LedgerEntry& e : expired->entries) {
          if (e.account == PointsAccount::expired) gone += e.points;
        }
      }
      // Redeemed or adjusted away; what returns already took back is not owed again.
      owed += lot.points - lot.remaining - gone - lot.reversed;
    }
    VAFA_CHECK(store.update_lot(lot.id, 0, lot.pending));
  }
  return post_reversal(store, customer, from_pending, from_available, owed,
                       fmt::format("order:{}", order_id), now);
}

Result<std::int64_t> Club::reverse_return(Store& store, std::string_view order_id,
                                          std::string_view return_id,
                                          const std::vector<ReturnedLine>& lines,
                                          std::int64_t now) const {
  VAFA_TRY(const auto earned, store.points_txn("earn", fmt::format("order:{}", order_id)));
  if (!earned || !earned->customer) return 0;
  const std::int64_t customer = *earned->customer;
  VAFA_TRY(const std::vector<std::int64_t> per_line, store.line_points(earned->id));
  // The points of units [before, before + quantity) of a line: floor differences, so the
  // returns of a whole line add up to exactly its points.
  std::int64_t points = 0;
  for (const ReturnedLine& r : lines) {
    if (r.line >= per_line.size() || r.bought <= 0) continue;
    const Wide p = per_line[r.line];
    points +=
        static_cast<std::int64_t>(p * (r.before + r.quantity) / r.bought - p * r.before / r.bought);
  }
  if (points <= 0) return 0;
  VAFA_TRY(const std::vector<PointsLot> lots, store.lots_of_txn(earned->id));
  std::int64_t need = points, from_pending = 0, from_available = 0;
  for (const bool pending : {true, false}) {  // the order's own points, pending first
    for (const PointsLot& lot : lots) {
      if (lot.pending != pending || need == 0) continue;
      const std::int64_t take = std::min(lot.remaining, need);
      if (take == 0) continue;
      VAFA_CHECK(store.update_lot(lot.id, lot.remaining - take, lot.pending));
      (pending ? from_pending : from_available) += take;
      need -= take;
    }
  }
  if (!lots.empty()) VAFA_CHECK(store.add_lot_reversed(lots.front().id, points));
  return post_reversal(store, customer, from_pending, from_available, need,
                       fmt::format("return:{}", return_id), now);
}

Result<std::int64_t> Club::post_reversal(Store& store, std::int64_t customer,
                                         std::int64_t from_pending, std::int64_t from_available,
                                         std::int64_t owed, std::string cause,
                                         std::int64_t now) const {
  std::int64_t written_off = 0;
  if (owed > 0) {  // already spent: from other lots, below zero, or written off
    VAFA_TRY(const std::int64_t taken, consume(store, customer, owed));
    from_available += taken;
    owed -= taken;
    if (config_.allow_negative) {
      from_available += owed;
    } else {
      written_off = owed;
    }
  }
  const std::int64_t total = from_pending + from_available;
  std::vector<LedgerEntry> entries;
  if (from_pending > 0) entries.push_back(mine(PointsAccount::pending, customer, -from_pending));
  if (from_available > 0) {
    entries.push_back(mine(PointsAccount::available, customer, -from_available));
  }
  if (entries.empty()) return 0;  // at most a write-off: nothing moves
  entries.push_back(shop(PointsAccount::issued, total));
  VAFA_TRY(const auto txn,
           store.post_points(LedgerTxn{
               .kind = "reverse",
               .cause = std::move(cause),
               .customer = customer,
               .at = now,
               .note = written_off > 0
                           ? fmt::format("{} points already spent were not taken back", written_off)
                           : std::string(),
               .entries = std::move(entries)}));
  return txn ? total : 0;
}

Result<std::int64_t> Club::add_points(Store& store, std::int64_t customer, std::int64_t points,
                                      std::string_view kind, std::string_view cause,
                                      std::string note, std::int64_t now,
                                      std::int64_t available_at) const {
  const bool pending = available_at > now;
  const PointsAccount account = pending ? PointsAccount::pending : PointsAccount::available;
  VAFA_TRY(const auto txn,
           store.post_points(LedgerTxn{.kind = std::string(kind),
                                       .cause = std::string(cause),
                                       .customer = customer,
                                       .at = now,
                                       .note = std::move(note),
                                       .entries = {shop(PointsAccount::issued, -points),
                                                   mine(account, customer, points)}}));
  if (!txn) return 0;
  VAFA_CHECK(status_of(store.add_lot(PointsLot{.customer = customer,
                                               .txn = *txn,
                                               .points = points,
                                               .remaining = points,
                                               .pending = pending,
                                               .available_at = std::max(available_at, now),
                                               .expires_at = expiry_of(config_, now)})));
  return points;
}

Result<std::int64_t> Club::bonus(Store& store, std::int64_t customer, std::string_view kind,
                                 std::string_view cause, std::int64_t now) const {
  if (!config_.enabled) return 0;
  const auto it = config_.bonus.find(std::string(kind));
  if (it == config_.bonus.end() || it->second <= 0) return 0;
  return add_available(store, customer, it->second, "bonus", cause, std::string(kind), now);
}

Result<std::int64_t> Club::adjust(Store& store, std::int64_t customer, std::int64_t points,
                                  std::string_view reason, std::string_view cause,
                                  std::int64_t now) const {
  if (points == 0)
    return fail(ErrorCode::invalid_argument, "an adjustment needs points other than 0");
  if (points > 0) {
    return add_available(store, customer, points, "adjust", cause, std::string(reason), now);
  }
  VAFA_TRY(const auto posted, store.points_txn("adjust", cause));
  if (posted) return 0;
  VAFA_TRY(const PointsBalance balance, store.points_balance(customer));
  if (-points > balance.available && !config_.allow_negative) {
    return fail(ErrorCode::conflict, "only {} points are available to take back",
                std::max<std::int64_t>(balance.available, 0));
  }
  VAFA_TRY(const std::int64_t taken, consume(store, customer, -points));
  (void)taken;  // the rest, when allowed, drives the balance below zero
  VAFA_CHECK(status_of(
      store.post_points(LedgerTxn{.kind = "adjust",
                                  .cause = std::string(cause),
                                  .customer = customer,
                                  .at = now,
                                  .note = std::string(reason),
                                  .entries = {mine(PointsAccount::available, customer, points),
                                              shop(PointsAccount::issued, -points)}})));
  return points;
}

Result<DueSummary> Club::run_due(Store& store, std::int64_t now) const {
  DueSummary summary;
  for (;;) {
    VAFA_TRY(const std::vector<PointsLot> due, store.lots_due(now, 1000));
    if (due.empty()) break;
    for (const PointsLot& lot : due) {
      const std::string cause = fmt::format("lot:{}", lot.id);
      if (lot.pending) {
        if (lot.remaining > 0) {
          VAFA_CHECK(status_of(store.post_points(LedgerTxn{
              .kind = "mature",
              .cause = cause,
              .customer = lot.customer,
              .at = lot.available_at,
              .entries = {mine(PointsAccount::pending, lot.customer, -lot.remaining),
                          mine(PointsAccount::available, lot.customer, lot.remaining)}})));
          ++summary.matured_lots;
          summary.matured_points += lot.remaining;
        }
        VAFA_CHECK(store.update_lot(lot.id, lot.remaining, false));
      } else {
        VAFA_CHECK(status_of(store.post_points(
            LedgerTxn{.kind = "expire",
                      .cause = cause,
                      .customer = lot.customer,
                      .at = *lot.expires_at,
                      .entries = {mine(PointsAccount::available, lot.customer, -lot.remaining),
                                  shop(PointsAccount::expired, lot.remaining)}})));
        VAFA_CHECK(store.update_lot(lot.id, 0, false));
        ++summary.expired_lots;
        summary.expired_points += lot.remaining;
      }
    }
  }
  return summary;
}

Result<Balance> Club::balance(Store& store, std::int64_t customer, std::int64_t now) const {
  Balance out;
  VAFA_TRY(out.points, store.points_balance(customer));
  if (config_.expiry == ExpiryPolicy::never) return out;
  VAFA_TRY(const std::vector<PointsLot> lots, store.open_lots(customer));
  const std::int64_t horizon = now + config_.notice_days * 86'400;
  for (const PointsLot& lot : lots) {
    if (lot.pending || !lot.expires_at || *lot.expires_at > horizon) continue;
    out.expiring_soon += lot.remaining;
    if (!out.next_expiry_at || *lot.expires_at < *out.next_expiry_at) {
      out.next_expiry_at = lot.expires_at;
    }
  }
  return out;
}

Result<Redemption> Club::redeem(Store& store, std::int64_t customer, std::string_view reward_code,
                                std::int64_t now) const {
  if (!config_.enabled) return fail(ErrorCode::conflict, "the loyalty club is not configured");
  VAFA_TRY(const auto found, store.get_reward(reward_code));
  if (!found) return fail(ErrorCode::not_found, "no reward '{}'", reward_code);
  const Reward& reward = *found;
  if (!reward.active || (reward.valid_from && now < *reward.valid_from) ||
      (reward.valid_until && now >= *reward.valid_until)) {
    return fail(ErrorCode::conflict, "reward '{}' cannot be redeemed now", reward.code);
  }
  if (reward.per_customer) {
    VAFA_TRY(const std::int64_t had, store.count_redemptions(reward.id, customer));
    if (had >= *reward.per_customer) {
      return fail(ErrorCode::conflict, "reward '{}' can be redeemed {} time(s) per customer",
                  reward.code, *reward.per_customer);
    }
  }
  VAFA_TRY(const bool taken, store.take_reward_unit(reward.id));
  if (!taken) return fail(ErrorCode::conflict, "reward '{}' is out of stock", reward.code);
  VAFA_TRY(const PointsBalance balance, store.points_balance(customer));
  if (balance.available < reward.cost) {
    return fail(ErrorCode::conflict, "reward '{}' needs {} points; {} are available", reward.code,
                reward.cost, std::max<std::int64_t>(balance.available, 0));
  }
  Redemption redemption{.reward = reward.id,
                        .customer = customer,
                        .points = reward.cost,
                        .at = now,
                        .reward_code = reward.code};
  if (reward.voucher_days) redemption.expires_at = now + *reward.voucher_days * 86'400;
  VAFA_TRY(redemption.id, add_with_voucher(store, redemption));
  VAFA_TRY(const std::int64_t consumed, consume(store, customer, reward.cost));
  if (consumed != reward.cost) {
    return fail(ErrorCode::data_loss, "points lots of customer {} hold {} of {} available points",
                customer, consumed, reward.cost);
  }
  VAFA_CHECK(status_of(store.post_points(
      LedgerTxn{.kind = "redeem",
                .cause = fmt::format("redemption:{}", redemption.id),
                .customer = customer,
                .at = now,
                .note = fmt::format("{} ({})", reward.code, redemption.voucher),
                .entries = {mine(PointsAccount::available, customer, -reward.cost),
                            shop(PointsAccount::redeemed, reward.cost)}})));
  return redemption;
}

Result<std::int64_t> Club::measure(Store& store, std::int64_t customer, std::int64_t now) const {
  const std::int64_t from = now - config_.tier_window_days * 86'400;
  if (config_.tier_measure == TierMeasure::points) {
    return store.qualifying_points(customer, from, now + 1);
  }
  return store.qualifying_spend(customer, config_.currency.code(), from, now + 1);
}

const Tier* Club::qualified(std::int64_t value) const {
  const Tier* best = config_.base_tier();
  for (const Tier& t : config_.tiers) {
    if (!t.invitation_only && t.threshold <= value && t.threshold >= best->threshold) best = &t;
  }
  return best;
}

const Tier* Club::tier_of(const std::optional<TierState>& state, std::int64_t value) const {
  if (!state) return config_.base_tier();
  const Tier* stored = config_.tier(state->tier);
  return stored != nullptr ? stored : qualified(value);
}

Result<TierView> Club::tier(Store& store, std::int64_t customer, std::int64_t now) const {
  TierView view;
  if (config_.tiers.empty()) return view;
  VAFA_TRY(view.value, measure(store, customer, now));
  VAFA_TRY(view.state, store.tier_of(customer));
  view.tier = tier_of(view.state, view.value);
  if (!view.tier->invitation_only) {
    for (const Tier& t : config_.tiers) {
      if (!t.invitation_only && t.threshold > view.tier->threshold) {
        view.next = &t;
        view.to_next = std::max<std::int64_t>(t.threshold - view.value, 0);
        break;
      }
    }
  }
  return view;
}

Result<std::string> Club::give_gift(Store& store, std::int64_t customer, const Tier& tier,
                                    std::int64_t now) const {
  if (tier.gift.empty()) return std::string();
  std::string note;
  VAFA_TRY(const auto gift, issue_gift(store, customer, tier.gift, "", now, note));
  if (!gift) return fmt::format("; {}", note);
  return fmt::format("; gift '{}' voucher {}", tier.gift, gift->voucher);
}

Result<std::optional<Redemption>> Club::issue_gift(Store& store, std::int64_t customer,
                                                   std::string_view reward_code, std::string cause,
                                                   std::int64_t now, std::string& note) const {
  using Gift = std::optional<Redemption>;
  VAFA_TRY(const auto reward, store.get_reward(reward_code));
  if (!reward || !reward->active) {
    note = fmt::format("gift '{}' is not in the catalogue", reward_code);
    return Gift();
  }
  VAFA_TRY(const bool taken, store.take_reward_unit(reward->id));
  if (!taken) {
    note = fmt::format("gift '{}' is out of stock", reward_code);
    return Gift();
  }
  Redemption gift{.reward = reward->id,
                  .customer = customer,
                  .points = 0,
                  .at = now,
                  .reward_code = reward->code,
                  .cause = std::move(cause)};
  if (reward->voucher_days) gift.expires_at = now + *reward->voucher_days * 86'400;
  VAFA_TRY(gift.id, add_with_voucher(store, gift));
  return Gift(std::move(gift));
}

Result<std::optional<TierChange>> Club::review_tier(Store& store, std::int64_t customer,
                                                    std::int64_t now, bool review) const {
  using Change = std::optional<TierChange>;
  if (config_.tiers.empty()) return Change();
  VAFA_TRY(const TierView view, tier(store, customer, now));
  const std::optional<TierState>& stored = view.state;
  if (stored && stored->invited && view.tier->invitation_only) {
    return Change();  // only an admin changes it
  }
  const Tier* reached = qualified(view.value);
  if (!stored || reached->threshold > view.tier->threshold) {
    // Joining, or an upgrade: at once, with the new tier's gift.
    const bool up = stored.has_value() || reached != config_.base_tier();
    TierChange change{
        .customer = customer,
        .from = stored ? std::optional<std::string>(stored->tier) : std::nullopt,
        .to = reached->name,
        .at = now,
        .reason = reached == config_.base_tier()
                      ? std::string("joined")
                      : fmt::format("reached {} ({} over {} days)", reached->threshold, view.value,
                                    config_.tier_window_days)};
    if (up) {
      VAFA_TRY(const std::string note, give_gift(store, customer, *reached, now));
      change.reason += note;
    }
    VAFA_CHECK(store.put_tier(TierState{.customer = customer, .tier = reached->name, .since = now},
                              change));
    return Change(std::move(change));
  }
  TierState state = *stored;
  if (reached->threshold < view.tier->threshold) {
    if (!state.below_since) state.below_since = now;
    const bool grace_over = now - *state.below_since >= config_.tier_grace_days * 86'400;
    if (!(review && grace_over)) {
      if (stored->below_since) return Change();  // already noted
      VAFA_CHECK(store.put_tier(state, std::nullopt));
      return Change();
    }
    TierChange change{
        .customer = customer,
        .from = state.tier,
        .to = reached->name,
        .at = now,
        .reason = fmt::format("below {} since {} ({} over {} days)", view.tier->threshold,
                              format_date(from_unix_seconds(*state.below_since)), view.value,
                              config_.tier_window_days)};
    VAFA_CHECK(store.put_tier(TierState{.customer = customer, .tier = reached->name, .since = now},
                              change));
    return Change(std::move(change));
  }
  if (state.below_since) {
    state.below_since.reset();  // back at the threshold: the grace clock stops
    VAFA_CHECK(store.put_tier(state, std::nullopt));
  }
  return Change();
}

Result<std::int64_t> Club::review_tiers(Store& store, std::int64_t now) const {
  if (config_.tiers.empty()) return 0;
  const std::string period = std::to_string(period_start(config_.tier_review, now));
  VAFA_TRY(const auto last, store.get_state("loyalty.tiers_reviewed_for"));
  if (last && *last == period) return 0;
  VAFA_TRY(const std::vector<TierState> tiered, store.tiered_customers());
  std::int64_t changes = 0;
  for (const TierState& state : tiered) {
    VAFA_TRY(const auto change, review_tier(store, state.customer, now, true));
    if (change) ++changes;
  }
  VAFA_CHECK(store.put_state("loyalty.tiers_reviewed_for", period));
  return changes;
}

Result<TierChange> Club::set_tier(Store& store, std::int64_t customer,
                                  const std::optional<std::string>& name, std::int64_t now) const {
  if (config_.tiers.empty()) return fail(ErrorCode::conflict, "no tiers are configured");
  VAFA_TRY(const auto stored, store.tier_of(customer));
  const std::optional<std::string> from =
      stored ? std::optional<std::string>(stored->tier) : std::nullopt;
  if (!name) {
    // Withdrawn: back to what the customer qualifies for.
    VAFA_TRY(const std::int64_t value, measure(store, customer, now));
    const Tier* reached = qualified(value);
    const TierChange change{.customer = customer,
                            .from = from,
                            .to = reached->name,
                            .at = now,
                            .reason = "set back to what the customer qualifies for"};
    VAFA_CHECK(store.put_tier(TierState{.customer = customer, .tier = reached->name, .since = now},
                              change));
    return change;
  }
  const Tier* chosen = config_.tier(*name);
  if (chosen == nullptr) return fail(ErrorCode::not_found, "no tier '{}' in vafa.toml", *name);
  TierChange change{.customer = customer,
                    .from = from,
                    .to = chosen->name,
                    .at = now,
                    .reason = "set by an admin"};
  VAFA_TRY(const std::string note, give_gift(store, customer, *chosen, now));
  change.reason += note;
  VAFA_CHECK(store.put_tier(
      TierState{.customer = customer, .tier = chosen->name, .since = now, .invited = true},
      change));
  return change;
}

}  // namespace vafa::loyalty
