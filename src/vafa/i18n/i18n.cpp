#include "vafa/i18n/i18n.hpp"

#include <memory>

#include <fmt/core.h>
#include <unicode/calendar.h>
#include <unicode/datefmt.h>
#include <unicode/locid.h>
#include <unicode/numfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace vafa::i18n {

namespace {

icu::Locale locale_of(Lang lang, Calendar calendar) {
  const char* base = lang == Lang::fa ? "fa_IR" : lang == Lang::hy ? "hy_AM" : "en_GB";
  return icu::Locale(
      fmt::format("{}@calendar={}", base, calendar == Calendar::persian ? "persian" : "gregorian")
          .c_str());
}

std::string utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

UDate udate(Timestamp t) { return static_cast<UDate>(unix_seconds(t)) * 1000.0; }

}  // namespace

Result<Lang> parse_lang(std::string_view text) {
  if (text == "en") return Lang::en;
  if (text == "fa") return Lang::fa;
  if (text == "hy") return Lang::hy;
  return fail(ErrorCode::invalid_argument, "language must be en, fa or hy, not '{}'", text);
}

Result<Calendar> parse_calendar(std::string_view text) {
  if (text == "gregorian") return Calendar::gregorian;
  if (text == "persian") return Calendar::persian;
  return fail(ErrorCode::invalid_argument, "calendar must be gregorian or persian, not '{}'", text);
}

bool right_to_left(Lang lang) { return lang == Lang::fa; }

Calendar default_calendar(Lang lang) {
  return lang == Lang::fa ? Calendar::persian : Calendar::gregorian;
}

std::string numeric_date(Timestamp t, Calendar calendar) {
  if (calendar == Calendar::gregorian) return format_date(t);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> cal(icu::Calendar::createInstance(
      icu::TimeZone::getGMT()->clone(), icu::Locale("en@calendar=persian"), status));
  if (U_FAILURE(status)) return format_date(t);
  cal->setTime(udate(t), status);
  const int year = cal->get(UCAL_YEAR, status);
  const int month = cal->get(UCAL_MONTH, status) + 1;
  const int day = cal->get(UCAL_DATE, status);
  if (U_FAILURE(status)) return format_date(t);
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::string long_date(Timestamp t, Lang lang, Calendar calendar) {
  std::unique_ptr<icu::DateFormat> format(
      icu::DateFormat::createDateInstance(icu::DateFormat::kMedium, locale_of(lang, calendar)));
  if (!format) return numeric_date(t, calendar);
  format->setTimeZone(*icu::TimeZone::getGMT());
  icu::UnicodeString out;
  format->format(udate(t), out);
  return utf8(out);
}

std::string whole_number(std::int64_t n, Lang lang) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::NumberFormat> format(
      icu::NumberFormat::createInstance(locale_of(lang, Calendar::gregorian), status));
  if (U_FAILURE(status) || !format) return std::to_string(n);
  icu::UnicodeString out;
  format->format(static_cast<int64_t>(n), out);
  return utf8(out);
}

}  // namespace vafa::i18n
