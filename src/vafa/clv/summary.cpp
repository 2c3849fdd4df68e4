#include "vafa/clv/summary.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace vafa::clv {
namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t day_of(std::int64_t seconds) {
  return seconds >= 0 ? seconds / kDay : -((-seconds + kDay - 1) / kDay);
}

}  // namespace

Result<TimeUnit> parse_time_unit(std::string_view text) {
  if (text == "day" || text == "days") return TimeUnit::day;
  if (text == "week" || text == "weeks") return TimeUnit::week;
  if (text == "month" || text == "months") return TimeUnit::month;
  if (text == "year" || text == "years") return TimeUnit::year;
  return fail(ErrorCode::invalid_argument, "unknown time unit '{}' (day, week, month, year)", text);
}

std::string_view to_string(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::day: return "day";
    case TimeUnit::week: return "week";
    case TimeUnit::month: return "month";
    case TimeUnit::year: return "year";
  }
  return "day";
}

double days_per(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::day: return 1.0;
    case TimeUnit::week: return 7.0;
    case TimeUnit::month: return 365.25 / 12.0;
    case TimeUnit::year: return 365.25;
  }
  return 1.0;
}

Result<Summary> summarize(std::span<const Purchase> purchases, const SummaryOptions& options) {
  const std::int64_t end_day = day_of(options.calibration_end);
  const bool holdout = options.holdout_end != 0;
  const std::int64_t holdout_day = holdout ? day_of(options.holdout_end) : end_day;
  if (holdout && holdout_day <= end_day) {
    return fail(ErrorCode::invalid_argument, "the holdout must end after the calibration period");
  }
  const double unit_days = days_per(options.unit);
  // Sorted copy of (customer, day, amount).
  std::vector<Purchase> sorted(purchases.begin(), purchases.end());
  for (Purchase& p : sorted) p.at = day_of(p.at);
  std::sort(sorted.begin(), sorted.end(), [](const Purchase& l, const Purchase& r) {
    return l.customer != r.customer ? l.customer < r.customer : l.at < r.at;
  });
  Summary out;
  out.holdout_length = static_cast<double>(holdout_day - end_day) / unit_days;
  out.holdout_by_unit.assign(static_cast<std::size_t>(std::ceil(out.holdout_length)), 0.0);
  std::size_t i = 0;
  while (i < sorted.size()) {
    const std::int64_t customer = sorted[i].customer;
    const std::int64_t first = sorted[i].at;
    std::size_t j = i;
    while (j < sorted.size() && sorted[j].customer == customer) ++j;
    if (first <= end_day) {
      // The period a day belongs to: the day itself, or whole units since the first purchase.
      auto period = [&](std::int64_t day) -> std::int64_t {
        if (options.merge == Merge::day) return day;
        return static_cast<std::int64_t>(std::floor(static_cast<double>(day - first) / unit_days));
      };
      double x = -1, last = 0, held = 0, repeat_value = 0, current_value = 0;
      std::optional<std::int64_t> current, held_period;
      for (std::size_t k = i; k < j; ++k) {
        const std::int64_t day = sorted[k].at;
        if (day > holdout_day) break;
        const std::int64_t p = period(day);
        if (day > end_day) {  // holdout purchases are counted (merged alike), not valued
          if (held_period != p) {
            held += 1;
            const auto unit = static_cast<std::size_t>(
                std::floor(static_cast<double>(day - end_day - 1) / unit_days));
            out.holdout_by_unit[std::min(unit, out.holdout_by_unit.size() - 1)] += 1;
          }
          held_period = p;
          continue;
        }
        if (current == p) {
          current_value += static_cast<double>(sorted[k].amount_minor);
          continue;
        }
        if (current && x >= 1) repeat_value += current_value;
        x += 1;
        current = p;
        current_value = static_cast<double>(sorted[k].amount_minor);
        last = options.merge == Merge::day ? static_cast<double>(day - first) / unit_days
                                           : static_cast<double>(p);
      }
      if (current && x >= 1) repeat_value += current_value;
      const double T = options.merge == Merge::day
                           ? static_cast<double>(end_day - first) / unit_days
                           : static_cast<double>(period(end_day));
      out.customer.push_back(customer);
      out.rfm.push(x, x > 0 ? last : 0.0, T);
      out.monetary.push_back(x > 0 ? repeat_value / x : 0.0);
      out.holdout_purchases.push_back(held);
    }
    i = j;
  }
  return out;
}

}  // namespace vafa::clv
