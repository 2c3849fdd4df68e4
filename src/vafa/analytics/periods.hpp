// Reporting periods (day, week, month, quarter, year) in the Gregorian or the Persian (Jalali)
// calendar and a time zone, cut by ICU. Weeks start on Monday (Gregorian) or Saturday (Persian).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"

namespace vafa::analytics {

enum class PeriodUnit { day, week, month, quarter, year };
enum class CalendarKind { gregorian, persian };

Result<PeriodUnit> parse_period_unit(std::string_view text);
Result<CalendarKind> parse_calendar(std::string_view text);

struct Period {
  std::int64_t start = 0, end = 0;  // [start, end), Unix seconds
  std::string label;  // "2025-03", "2025-Q1", "2025", "2025-03-01"; weeks by their first day
};

// The periods that overlap [from, to), in order. Errors on an unknown time zone or when the range
// holds more than `limit` periods.
Result<std::vector<Period>> periods(PeriodUnit unit, CalendarKind calendar,
                                    std::string_view time_zone, std::int64_t from, std::int64_t to,
                                    std::size_t limit = 100'000);

// Index of the period holding `t` (binary search), or -1 outside them all.
std::ptrdiff_t period_of(const std::vector<Period>& periods, std::int64_t t);

}  // namespace vafa::analytics
