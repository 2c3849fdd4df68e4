#include "vafa/analytics/periods.hpp"

#include <algorithm>
#include <memory>

#include <fmt/core.h>
#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace vafa::analytics {

Result<PeriodUnit> parse_period_unit(std::string_view text) {
  static constexpr std::pair<std::string_view, PeriodUnit> kUnits[] = {
      {"day", PeriodUnit::day},
      {"week", PeriodUnit::week},
      {"month", PeriodUnit::month},
      {"quarter", PeriodUnit::quarter},
      {"year", PeriodUnit::year}};
  for (const auto& [name, unit] : kUnits) {
    if (name == text) return unit;
  }
  return fail(ErrorCode::invalid_argument,
              "'{}' is not a period: use day, week, month, quarter or year", text);
}

Result<CalendarKind> parse_calendar(std::string_view text) {
  if (text == "gregorian") return CalendarKind::gregorian;
  if (text == "persian" || text == "jalali") return CalendarKind::persian;
  return fail(ErrorCode::invalid_argument, "'{}' is not a calendar: use gregorian or persian",
              text);
}

namespace {

UCalendarDateFields step_field(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::day:
    case PeriodUnit::week: return UCAL_DATE;
    case PeriodUnit::month:
    case PeriodUnit::quarter: return UCAL_MONTH;
    case PeriodUnit::year: return UCAL_YEAR;
  }
  return UCAL_DATE;
}

int step_amount(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::week: return 7;
    case PeriodUnit::quarter: return 3;
    default: return 1;
  }
}

std::string label(icu::Calendar& cal, PeriodUnit unit) {
  UErrorCode status = U_ZERO_ERROR;
  const int year = cal.get(UCAL_YEAR, status);
  const int month = cal.get(UCAL_MONTH, status) + 1;
  const int day = cal.get(UCAL_DATE, status);
  switch (unit) {
    case PeriodUnit::year: return fmt::format("{:04}", year);
    case PeriodUnit::quarter: return fmt::format("{:04}-Q{}", year, (month - 1) / 3 + 1);
    case PeriodUnit::month: return fmt::format("{:04}-{:02}", year, month);
    default: return fmt::format("{:04}-{:02}-{:02}", year, month, day);
  }
}

}  // namespace

Result<std::vector<Period>> periods(PeriodUnit unit, CalendarKind calendar,
                                    std::string_view time_zone, std::int64_t from, std::int64_t to,
                                    std::size_t limit) {
  const icu::UnicodeString zone_id = icu::UnicodeString::fromUTF8(
      icu::StringPiece(time_zone.data(), static_cast<std::int32_t>(time_zone.size())));
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(zone_id));
  if (!zone || *zone == icu::TimeZone::getUnknown()) {
    return fail(ErrorCode::invalid_argument,
                "unknown time zone '{}' (use an IANA name such as "
                "Asia/Tehran or UTC)",
                time_zone);
  }
  const icu::Locale locale(calendar == CalendarKind::persian ? "fa_IR@calendar=persian"
                                                             : "en_GB@calendar=gregorian");
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> cal(icu::Calendar::createInstance(zone.release(), locale, status));
  if (U_FAILURE(status) || !cal) {
    return fail(ErrorCode::internal, "ICU cannot make a calendar: {}", u_errorName(status));
  }
  cal->setTime(static_cast<UDate>(from) * 1000.0, status);
  // Back to the start of the unit holding `from`.
  cal->set(UCAL_HOUR_OF_DAY, 0);
  cal->set(UCAL_MINUTE, 0);
  cal->set(UCAL_SECOND, 0);
  cal->set(UCAL_MILLISECOND, 0);
  if (unit == PeriodUnit::week) {
    const int first = calendar == CalendarKind::persian ? UCAL_SATURDAY : UCAL_MONDAY;
    const int weekday = cal->get(UCAL_DAY_OF_WEEK, status);
    cal->add(UCAL_DATE, -((weekday - first + 7) % 7), status);
  } else if (unit != PeriodUnit::day) {
    cal->set(UCAL_DATE, 1);
    if (unit == PeriodUnit::quarter) {
      const int month = cal->get(UCAL_MONTH, status);
      cal->set(UCAL_MONTH, month - month % 3);
    } else if (unit == PeriodUnit::year) {
      cal->set(UCAL_MONTH, 0);
    }
  }
  std::vector<Period> out;
  while (true) {
    const UDate start = cal->getTime(status);
    if (U_FAILURE(status)) break;
    const auto start_s = static_cast<std::int64_t>(start / 1000.0);
    if (start_s >= to) break;
    Period p{.start = start_s, .label = label(*cal, unit)};
    cal->add(step_field(unit), step_amount(unit), status);
    p.end = static_cast<std::int64_t>(cal->getTime(status) / 1000.0);
    if (out.size() == limit) {
      return fail(ErrorCode::invalid_argument,
                  "the range holds more than {} periods; choose a longer period or a shorter range",
                  limit);
    }
    out.push_back(std::move(p));
  }
  if (U_FAILURE(status)) {
    return fail(ErrorCode::internal, "ICU calendar arithmetic failed: {}", u_errorName(status));
  }
  return out;
}

std::ptrdiff_t period_of(const std::vector<Period>& periods, std::int64_t t) {
  const auto it = std::ranges::upper_bound(periods, t, {}, &Period::start);
  if (it == periods.begin()) return -1;
  const auto i = it - periods.begin() - 1;
  return t < periods[static_cast<std::size_t>(i)].end ? i : -1;
}

}  // namespace vafa::analytics
