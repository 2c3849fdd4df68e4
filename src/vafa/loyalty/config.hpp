// The loyalty club's settings, from the [loyalty] table of vafa.toml (docs/loyalty.md). Every
// value is checked when the file is read; an error names the file, line, column and key.
// Rates and multipliers are whole numbers (points per unit, percent) so that points are exact.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vafa/core/error.hpp"
#include "vafa/core/money.hpp"
#include "vafa/core/time.hpp"
#include "vafa/domain/channel.hpp"

namespace vafa::loyalty {

enum class ExpiryPolicy { never, rolling, period_end };
enum class ExpiryPeriod { month, quarter, year };

// A campaign: a percent multiplier for orders placed in [start, end), optionally only on some
// channels or categories.
struct Campaign {
  std::string name;
  Timestamp start{}, end{};
  std::int64_t percent = 100;
  std::vector<Channel> channels;        // empty: every channel
  std::vector<std::string> categories;  // empty: every category
};

// A tier: reached when the measure over the window reaches `threshold` (points, or minor units
// of spend); invitation-only tiers are set by an admin.
struct Tier {
  std::string name;
  std::int64_t threshold = 0;
  std::int64_t percent = 100;  // earning multiplier
  bool priority_support = false;
  std::string gift;  // a reward's code, given free on reaching the tier
  bool invitation_only = false;
};

enum class TierMeasure { points, spend };

// [loyalty.referral]: a referee's first qualifying order credits both, pending like earned
// points. Disabled without the table.
struct ReferralRules {
  bool enabled = false;
  std::int64_t referrer_points = 0;      // to the customer whose code was used
  std::int64_t referee_points = 0;       // to the new customer
  std::int64_t minimum_order_minor = 0;  // the referee's order must reach it
};

// [[loyalty.gift]]: an order meeting the conditions gets the reward free (a voucher).
struct GiftRule {
  std::string name;
  std::string reward;  // a reward's code
  std::int64_t minimum_order_minor = 0;
  std::vector<std::string> categories;  // a line in one of them; empty: any order
  std::vector<Channel> channels;        // empty: every channel
  std::optional<Timestamp> start, end;  // placed in [start, end); unset: always
};

struct Config {
  bool enabled = false;  // false when the file has no [loyalty] table
  Currency currency = *Currency::parse("USD");
  // points = floor(amount / unit * points_per_unit * multiplier%): unit_minor is the amount
  // of the currency (in minor units) that earns points_per_unit points.
  std::int64_t points_per_unit = 1;
  std::int64_t unit_minor = 100;
  std::int64_t minimum_order_minor = 0;
  std::int64_t max_points_per_order = 0;  // 0: no cap
  std::int64_t max_points_per_day = 0;    // 0: no cap
  std::int64_t pending_days = 0;          // return window before points can be spent
  bool allow_negative = false;            // may a reversal drive the available balance below 0
  std::map<std::string, std::int64_t> category_percent;
  std::map<Channel, std::int64_t> channel_percent;
  std::vector<Campaign> campaigns;
  // Bonuses for events: signup, birthday, first_order, review, referral, nps.
  std::map<std::string, std::int64_t> bonus;
  ExpiryPolicy expiry = ExpiryPolicy::never;
  std::int64_t expiry_days = 365;                   // rolling
  ExpiryPeriod expiry_period = ExpiryPeriod::year;  // period_end
  std::int64_t expiry_periods_after = 1;            // 1: the end of the next period
  std::int64_t notice_days = 30;                    // how far ahead "expiring soon" looks

  ReferralRules referral;
  std::vector<GiftRule> gifts;

  // Tiers, lowest threshold first (invitation-only ones last). Empty: no tiers.
  std::vector<Tier> tiers;
  TierMeasure tier_measure = TierMeasure::points;
  std::int64_t tier_window_days = 365;
  ExpiryPeriod tier_review = ExpiryPeriod::quarter;  // downgrades happen at the start of these
  std::int64_t tier_grace_days = 30;  // ...once the customer has been below for this long

  const Tier* tier(std::string_view name) const;
  const Tier* base_tier() const;  // the lowest tier open to everyone

  nlohmann::ordered_json to_json() const;
};

// Parses TOML text; `source` names it in errors ("vafa.toml").
Result<Config> parse_config(std::string_view text, std::string_view source);
Result<Config> load_config(const std::string& path);

// The start of the period (month, quarter, year; UTC) that holds `t`.
std::int64_t period_start(ExpiryPeriod period, std::int64_t t);

// When points earned at `earned_at` expire under `config` (nullopt: never).
std::optional<std::int64_t> expiry_of(const Config& config, std::int64_t earned_at);

}  // namespace vafa::loyalty
