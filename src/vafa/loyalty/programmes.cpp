// The club's programmes beyond earning: what an order brings and what its cancellation takes
// back, referrals, gifts by order rules, birthday bonuses and transfers (docs/loyalty.md).

#include <algorithm>
#include <map>

#include "vafa/core/text.hpp"
#include "vafa/domain/identity.hpp"
#include "vafa/loyalty/club.hpp"
#include "vafa/loyalty/internal.hpp"

namespace vafa::loyalty {

using namespace detail;

namespace {

Status need_referrals(const Config& config) {
  if (config.enabled && config.referral.enabled) return {};
  return fail(ErrorCode::conflict,
              "referrals are not configured: add a [loyalty.referral] table to vafa.toml "
              "(docs/loyalty.md)");
}

}  // namespace

Result<OrderRewards> Club::on_order(Store& store, const Order& order, std::int64_t now) const {
  OrderRewards out;
  if (!config_.enabled || order.is_guest()) return out;
  VAFA_TRY(const std::int64_t row,
           need(store.customer_row(order.customer_id), "customer", order.customer_id));
  VAFA_TRY(out.points, earn(store, row, order, now));
  VAFA_TRY(out.first_order_bonus,
           bonus(store, row, "first_order", "first_order:" + order.customer_id, now));
  VAFA_TRY(out.referral, credit_referral(store, row, order, now));
  VAFA_TRY(out.gifts, order_gifts(store, row, order, now, out.notes));
  return out;
}

Result<OrderReversal> Club::on_cancel(Store& store, std::string_view order_id,
                                      std::int64_t now) const {
  OrderReversal out;
  if (!config_.enabled) return out;
  VAFA_TRY(out.points, reverse_order(store, order_id, now));
  VAFA_TRY(out.referral_points, void_referral(store, order_id, now));
  const std::string prefix = fmt::format("gift:{}:", order_id);
  VAFA_TRY(const std::vector<Redemption> gifts, store.gifts_with_cause(prefix));
  for (const Redemption& gift : gifts) {
    // Rule names hold no ':', so this keeps out the gifts of an order "ID:more".
    if (gift.voided_at || gift.cause.find(':', prefix.size()) != std::string::npos) continue;
    VAFA_CHECK(store.void_gift(gift.id, now));
    ++out.gifts_voided;
  }
  return out;
}

// ---- referrals ------------------------------------------------------------------------------

Result<ReferralCode> Club::referral_code(Store& store, std::int64_t customer,
                                         std::int64_t now) const {
  VAFA_CHECK(need_referrals(config_));
  VAFA_TRY(const auto existing, store.referral_code_of(customer));
  if (existing) return *existing;
  for (int attempt = 0;; ++attempt) {
    // 8 characters of Crockford base32 (40 random bits): short enough to read out or type.
    const ReferralCode code{.customer = customer, .code = random_code("", 8, 4), .created_at = now};
    const Status put = store.put_referral_code(code);
    if (put) break;
    if (put.error().code != ErrorCode::conflict || attempt == 4)
      return std::unexpected(put.error());
  }
  return need(store.referral_code_of(customer), "referral code of customer",
              std::to_string(customer));
}

Result<std::optional<std::string>> Club::shared_person(Store& store, std::string_view a,
                                                       std::string_view b) const {
  VAFA_TRY(const Customer first, need(store.get_customer(a), "customer", a));
  VAFA_TRY(const Customer second, need(store.get_customer(b), "customer", b));
  for (const Identity& x : first.identities) {
    const std::string key = person_key(x);
    for (const Identity& y : second.identities) {
      if (person_key(y) == key) return std::optional<std::string>(key);
    }
  }
  return std::optional<std::string>();
}

Result<Referral> Club::refer(Store& store, std::string_view referee_id, std::string_view code,
                             std::int64_t now) const {
  VAFA_CHECK(need_referrals(config_));
  const std::string wanted = to_upper_ascii(trim(code));
  VAFA_TRY(const std::int64_t referee,
           need(store.customer_row(referee_id), "customer", referee_id));
  VAFA_TRY(const ReferralCode owner, need(store.referral_code(wanted), "referral code", wanted));
  if (owner.customer == referee) {
    return fail(ErrorCode::conflict, "customer '{}' cannot use their own referral code",
                referee_id);
  }
  VAFA_TRY(const auto before, store.referral_of(referee));
  if (before) {
    return fail(ErrorCode::conflict, "customer '{}' was referred by '{}' already", referee_id,
                before->referrer_id);
  }
  VAFA_TRY(const std::int64_t orders, store.placed_orders(referee));
  if (orders > 0) {
    return fail(ErrorCode::conflict,
                "referral codes are for new customers: '{}' has {} order(s) already", referee_id,
                orders);
  }
  VAFA_TRY(const auto shared, shared_person(store, referee_id, owner.customer_id));
  if (shared) {
    return fail(ErrorCode::conflict,
                "customers '{}' and '{}' share {}: a referral between accounts of one person is "
                "refused",
                referee_id, owner.customer_id, *shared);
  }
  VAFA_CHECK(store.put_referral(
      Referral{.referee = referee, .referrer = owner.customer, .code = owner.code, .at = now}));
  return need(store.referral_of(referee), "referral of customer", referee_id);
}

Result<std::optional<Referral>> Club::credit_referral(Store& store, std::int64_t customer,
                                                      const Order& order, std::int64_t now) const {
  using Credited = std::optional<Referral>;
  if (!config_.referral.enabled || order.status != OrderStatus::placed ||
      order.currency != config_.currency ||
      order.total_minor() < config_.referral.minimum_order_minor) {
    return Credited();
  }
  VAFA_TRY(std::optional<Referral> referral, store.referral_of(customer));
  if (!referral || referral->order_id) return Credited();
  // Identities may have been added since the referral was recorded: checked again.
  VAFA_TRY(const auto shared, shared_person(store, referral->referee_id, referral->referrer_id));
  if (shared) return Credited();
  const std::int64_t available_at = unix_seconds(order.placed_at) + config_.pending_days * 86'400;
  if (config_.referral.referrer_points > 0) {
    VAFA_CHECK(status_of(add_points(store, referral->referrer, config_.referral.referrer_points,
                                    "bonus", fmt::format("referrer:{}", order.id),
                                    fmt::format("referral of {}", referral->referee_id), now,
                                    available_at)));
  }
  if (config_.referral.referee_points > 0) {
    VAFA_CHECK(status_of(add_points(store, customer, config_.referral.referee_points, "bonus",
                                    fmt::format("referee:{}", order.id),
                                    fmt::format("referred by {}", referral->referrer_id), now,
                                    available_at)));
  }
  VAFA_CHECK(store.set_referral_order(customer, order.id, now));
  referral->order_id = order.id;
  referral->credited_at = now;
  return referral;
}

Result<std::int64_t> Club::void_referral(Store& store, std::string_view order_id,
                                         std::int64_t now) const {
  VAFA_TRY(const auto referral, store.referral_by_order(order_id));
  if (!referral) return 0;
  struct Bonus {
    std::int64_t customer;
    std::string cause;
    std::vector<PointsLot> lots;
  };
  std::vector<Bonus> bonuses = {{referral->referrer, fmt::format("referrer:{}", order_id), {}},
                                {referral->referee, fmt::format("referee:{}", order_id), {}}};
  for (Bonus& b : bonuses) {
    VAFA_TRY(const auto txn, store.points_txn("bonus", b.cause));
    if (!txn) continue;
    VAFA_TRY(b.lots, store.lots_of_txn(txn->id));
    for (const PointsLot& lot : b.lots) {
      if (!lot.pending) return 0;  // the pending period is over: the referral stands
    }
  }
  std::int64_t back = 0;
  for (const Bonus& b : bonuses) {
    std::int64_t pending = 0;
    for (const PointsLot& lot : b.lots) {
      pending += lot.remaining;
      VAFA_CHECK(store.update_lot(lot.id, 0, true));
    }
    if (pending == 0) continue;
    VAFA_TRY(const std::int64_t taken,
             post_reversal(store, b.customer, pending, 0, 0, b.cause, now));
    back += taken;
  }
  VAFA_CHECK(store.set_referral_order(referral->referee, std::nullopt, std::nullopt));
  return back;
}

// ---- gifts ----------------------------------------------------------------------------------

Result<std::vector<Redemption>> Club::order_gifts(Store& store, std::int64_t customer,
                                                  const Order& order, std::int64_t now,
                                                  std::vector<std::string>& notes) const {
  std::vector<Redemption> out;
  if (order.status != OrderStatus::placed || order.currency != config_.currency) return out;
  for (const GiftRule& rule : config_.gifts) {
    if ((rule.start && order.placed_at < *rule.start) || (rule.end && order.placed_at >= *rule.end))
      continue;
    if (!rule.channels.empty() &&
        std::ranges::find(rule.channels, order.channel) == rule.channels.end()) {
      continue;
    }
    if (order.total_minor() < rule.minimum_order_minor) continue;
    if (!rule.categories.empty()) {
      bool found = false;
      for (const OrderLine& line : order.lines) {
        VAFA_TRY(const auto product, store.get_product(line.product_sku));
        if (product &&
            std::ranges::find(rule.categories, product->category) != rule.categories.end()) {
          found = true;
          break;
        }
      }
      if (!found) continue;
    }
    std::string note;
    VAFA_TRY(auto gift, issue_gift(store, customer, rule.reward,
                                   fmt::format("gift:{}:{}", order.id, rule.name), now, note));
    if (gift) {
      out.push_back(std::move(*gift));
    } else {
      notes.push_back(std::move(note));
    }
  }
  return out;
}

// ---- birthdays and transfers ---------------------------------------------------------------

Result<std::int64_t> Club::birthdays(Store& store, std::int64_t now) const {
  using namespace std::chrono;
  const auto it = config_.bonus.find("birthday");
  if (!config_.enabled || it == config_.bonus.end() || it->second <= 0) return 0;
  const year_month_day today{floor<days>(from_unix_seconds(now))};
  const std::string date = format_date(Date{today});
  VAFA_TRY(const auto last, store.get_state("loyalty.birthdays_for"));
  if (last && *last == date) return 0;
  const auto month = static_cast<unsigned>(today.month());
  const auto day = static_cast<unsigned>(today.day());
  VAFA_TRY(std::vector<std::int64_t> born,
           store.customers_born_on(fmt::format("{:02}-{:02}", month, day)));
  if (month == 2 && day == 28 && !today.year().is_leap()) {
    VAFA_TRY(const std::vector<std::int64_t> leap, store.customers_born_on("02-29"));
    born.insert(born.end(), leap.begin(), leap.end());
  }
  std::int64_t given = 0;
  const int year = static_cast<int>(today.year());
  for (const std::int64_t customer : born) {
    VAFA_TRY(const std::int64_t points, bonus(store, customer, "birthday",
                                              fmt::format("birthday:{}:{}", customer, year), now));
    if (points > 0) ++given;
  }
  VAFA_CHECK(store.put_state("loyalty.birthdays_for", date));
  return given;
}

Result<std::int64_t> Club::transfer(Store& store, std::int64_t from, std::int64_t to,
                                    std::int64_t points, std::string_view cause,
                                    std::int64_t now) const {
  if (!config_.enabled) return fail(ErrorCode::conflict, "the loyalty club is not configured");
  if (points <= 0) return fail(ErrorCode::invalid_argument, "a transfer needs points above 0");
  if (from == to) return fail(ErrorCode::invalid_argument, "a transfer needs two customers");
  VAFA_TRY(const auto posted, store.points_txn("transfer", cause));
  if (posted) return 0;
  VAFA_TRY(const PointsBalance balance, store.points_balance(from));
  if (balance.available < points) {
    return fail(ErrorCode::conflict, "only {} points are available to transfer",
                std::max<std::int64_t>(balance.available, 0));
  }
  // The points keep their expiry: the receiver gets one lot per expiry date of what was taken.
  std::map<std::optional<std::int64_t>, std::int64_t> slices;
  VAFA_TRY(const std::int64_t taken, consume(store, from, points, &slices));
  if (taken != points) {
    return fail(ErrorCode::data_loss, "points lots of customer {} hold {} of {} available points",
                from, taken, points);
  }
  VAFA_TRY(const auto txn,
           store.post_points(LedgerTxn{.kind = "transfer",
                                       .cause = std::string(cause),
                                       .customer = from,
                                       .at = now,
                                       .entries = {mine(PointsAccount::available, from, -points),
                                                   mine(PointsAccount::available, to, points)}}));
  if (!txn) return 0;
  for (const auto& [expires_at, amount] : slices) {
    VAFA_CHECK(status_of(store.add_lot(PointsLot{.customer = to,
                                                 .txn = *txn,
                                                 .points = amount,
                                                 .remaining = amount,
                                                 .pending = false,
                                                 .available_at = now,
                                                 .expires_at = expires_at})));
  }
  return points;
}

}  // namespace vafa::loyalty
