// From purchases to the models' per-customer inputs: frequency x (repeat purchases), recency t_x
// (time of the last repeat purchase since the first), age T (calibration end since the first
// purchase), the mean repeat order value, and purchases in a holdout period.
//
// As in the literature (Fader, Hardie & Lee 2005), purchases on the same UTC day are one purchase
// (their values added), and times are day differences divided by the unit's days, so weeks are
// fractional. With merge = unit, purchases in the same unit-long period since the customer's first
// purchase are one, and times are whole periods.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vafa/clv/rfm.hpp"
#include "vafa/core/error.hpp"

namespace vafa::clv {

enum class TimeUnit { day, week, month, year };
Result<TimeUnit> parse_time_unit(std::string_view text);
std::string_view to_string(TimeUnit unit);
double days_per(TimeUnit unit);  // month = 365.25 / 12, year = 365.25

enum class Merge { day, unit };

struct Purchase {
  std::int64_t customer;      // caller's index or row id
  std::int64_t at;            // Unix seconds, UTC
  std::int64_t amount_minor;  // may be 0 (unknown) or negative (net of returns)
};

struct SummaryOptions {
  TimeUnit unit = TimeUnit::week;
  Merge merge = Merge::day;
  std::int64_t calibration_end = 0;  // Unix seconds: the last day of calibration is this day
  std::int64_t holdout_end = 0;      // 0: no holdout; else the last day of the holdout
};

struct Summary {
  std::vector<std::int64_t> customer;
  RfmRows rfm;                            // weight 1 per customer
  std::vector<double> monetary;           // mean repeat purchase value in minor units (0 if x = 0)
  std::vector<double> holdout_purchases;  // purchases in the holdout (merged like calibration)
  double holdout_length = 0;              // in units
  // Every customer's holdout purchases by whole unit of the holdout (the last may be partial):
  // [0] counts those in the holdout's first unit.
  std::vector<double> holdout_by_unit;
};

// Purchases in any order. Customers whose first purchase falls after calibration_end are left
// out (they were not customers yet).
Result<Summary> summarize(std::span<const Purchase> purchases, const SummaryOptions& options);

}  // namespace vafa::clv
