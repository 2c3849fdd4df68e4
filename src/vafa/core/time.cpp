#include "vafa/core/time.hpp"

#include <ctime>

namespace vafa {
namespace {

using namespace std::chrono;

// Reads exactly `count` digits at `pos`; advances pos.
bool read_digits(std::string_view text, std::size_t& pos, int count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (int i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

Result<sys_days> make_day(int y, int m, int d, std::string_view original) {
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return fail(ErrorCode::invalid_argument, "'{}' is not a valid date", original);
  return sys_days{ymd};
}

std::unexpected<Error> bad_time(std::string_view text, std::string_view expected) {
  return fail(ErrorCode::invalid_argument, "'{}' is not a valid time (expected {})", text,
              expected);
}

// Reads one or two digits at `pos`; advances pos.
bool read_1_or_2_digits(std::string_view text, std::size_t& pos, int& out) {
  if (!read_digits(text, pos, 1, out)) return false;
  int second = 0;
  if (read_digits(text, pos, 1, second)) out = out * 10 + second;
  return true;
}

bool starts_with_word(std::string_view text, std::size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = text[pos + i];
    const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != word[i]) return false;
  }
  return true;
}

// What may follow a date: a time of day ("T12:30", " 12:30:45.5", and with `lenient` also
// " 8:26" and " 4:44 PM"), then a zone ("Z", "+03:30", "+0330", " +0330", " UTC"). Without a
// zone the time is UTC.
Result<Timestamp> finish_time(std::string_view text, std::size_t pos, Timestamp result,
                              bool lenient, std::string_view expected) {
  if (pos == text.size()) return result;
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return bad_time(text, expected);
  ++pos;
  int h = 0, mi = 0, s = 0;
  const bool hour_read = lenient ? read_1_or_2_digits(text, pos, h) : read_digits(text, pos, 2, h);
  if (!hour_read || pos >= text.size() || text[pos++] != ':' || !read_digits(text, pos, 2, mi)) {
    return bad_time(text, expected);
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, s)) return bad_time(text, expected);
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      const std::size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start) return bad_time(text, expected);
    }
  }
  std::size_t after = pos < text.size() && text[pos] == ' ' ? pos + 1 : pos;
  if (lenient && (starts_with_word(text, after, "am") || starts_with_word(text, after, "pm"))) {
    if (h < 1 || h > 12) return bad_time(text, expected);
    const bool pm = starts_with_word(text, after, "pm");
    h = h % 12 + (pm ? 12 : 0);
    pos = after + 2;
    after = pos < text.size() && text[pos] == ' ' ? pos + 1 : pos;
  }
  // 24:00:00 is not accepted; leap second 60 is folded into the next minute by arithmetic.
  if (h > 23 || mi > 59 || s > 60) return bad_time(text, expected);
  result += hours{h} + minutes{mi} + seconds{s};
  if (pos == text.size()) return result;
  pos = after;  // a zone may follow one space
  if (pos == text.size()) return bad_time(text, expected);
  if (text[pos] == 'Z' || text[pos] == 'z') {
    return pos + 1 == text.size() ? Result<Timestamp>(result) : bad_time(text, expected);
  }
  if (starts_with_word(text, pos, "utc") || starts_with_word(text, pos, "gmt")) {
    return pos + 3 == text.size() ? Result<Timestamp>(result) : bad_time(text, expected);
  }
  if (text[pos] != '+' && text[pos] != '-') return bad_time(text, expected);
  const int sign = text[pos++] == '-' ? -1 : 1;
  int oh = 0, om = 0;
  if (!read_digits(text, pos, 2, oh)) return bad_time(text, expected);
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && !read_digits(text, pos, 2, om)) return bad_time(text, expected);
  if (pos != text.size() || oh > 23 || om > 59) return bad_time(text, expected);
  // Local time = UTC + offset, so UTC = local - offset.
  result -= sign * (hours{oh} + minutes{om});
  return result;
}

constexpr std::string_view kIsoExpected = "ISO 8601 such as 2024-03-01 or 2024-03-01T12:30:00Z";

}  // namespace

Result<Timestamp> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0;
  if (!read_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, mo) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, d)) {
    return bad_time(text, kIsoExpected);
  }
  VAFA_TRY(const sys_days day_point, make_day(y, mo, d, text));
  return finish_time(text, pos, day_point, /*lenient=*/false, kIsoExpected);
}

std::optional<NumericDateShape> numeric_date_shape(std::string_view text) {
  std::size_t pos = 0;
  NumericDateShape shape;
  int year = 0;
  if (read_digits(text, pos, 4, year)) {  // 2010/12/01
    if (pos >= text.size() || (text[pos] != '/' && text[pos] != '.')) return std::nullopt;
    shape.separator = text[pos++];
    if (!read_1_or_2_digits(text, pos, shape.first) || pos >= text.size() ||
        text[pos++] != shape.separator || !read_1_or_2_digits(text, pos, shape.second)) {
      return std::nullopt;
    }
    shape.year_first = true;
  } else {
    pos = 0;
    if (!read_1_or_2_digits(text, pos, shape.first) || pos >= text.size()) return std::nullopt;
    shape.separator = text[pos++];
    if ((shape.separator != '/' && shape.separator != '.' && shape.separator != '-') ||
        !read_1_or_2_digits(text, pos, shape.second) || pos >= text.size() ||
        text[pos++] != shape.separator || !read_digits(text, pos, 4, year)) {
      return std::nullopt;
    }
  }
  if (pos < text.size() && text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
  return shape;
}

Result<Timestamp> parse_numeric_date(std::string_view text, DateOrder order) {
  const std::string_view expected = order == DateOrder::day_first
                                        ? "day first, such as 31/12/2024 or 31.12.2024 18:05"
                                        : "month first, such as 12/31/2024 or 12/31/2024 6:05 PM";
  const auto shape = numeric_date_shape(text);
  if (!shape) return bad_time(text, expected);
  std::size_t pos = 0;
  int y = 0, m = 0, d = 0, skip = 0;
  if (shape->year_first) {
    read_digits(text, pos, 4, y);
    ++pos;
    read_1_or_2_digits(text, pos, m);
    ++pos;
    read_1_or_2_digits(text, pos, d);
  } else {
    read_1_or_2_digits(text, pos, skip);
    ++pos;
    read_1_or_2_digits(text, pos, skip);
    ++pos;
    read_digits(text, pos, 4, y);
    const bool day_first = order == DateOrder::day_first || shape->separator == '.';
    m = day_first ? shape->second : shape->first;
    d = day_first ? shape->first : shape->second;
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad_time(text, expected);
  return finish_time(text, pos, sys_days{ymd}, /*lenient=*/true, expected);
}

std::string_view to_string(DateOrder order) {
  return order == DateOrder::day_first ? "day/month/year" : "month/day/year";
}

void DateOrderScan::add(std::string_view text, std::int64_t line) {
  const auto shape = numeric_date_shape(text);
  if (!shape) return;
  numeric_ = true;
  if (shape->year_first || shape->separator == '.') return;  // no question of order
  if (shape->first > 12 && !day_first_line_) {
    day_first_line_ = line;
    day_first_text_ = std::string(text);
  }
  if (shape->second > 12 && !month_first_line_) {
    month_first_line_ = line;
    month_first_text_ = std::string(text);
  }
  if (!ambiguous_example_ && shape->first <= 12 && shape->second <= 12) {
    ambiguous_example_ = std::string(text);
  }
}

bool DateOrderScan::decided() const { return day_first_line_ || month_first_line_; }

Result<std::optional<DateOrder>> DateOrderScan::result(std::string_view source) const {
  if (day_first_line_ && month_first_line_) {
    return fail(ErrorCode::invalid_argument,
                "dates in '{}' mix day-first ('{}' on line {}) and month-first ('{}' on line {}); "
                "give --date-format",
                source, day_first_text_, *day_first_line_, month_first_text_, *month_first_line_);
  }
  if (day_first_line_) return DateOrder::day_first;
  if (month_first_line_) return DateOrder::month_first;
  if (ambiguous_example_) {
    return fail(ErrorCode::invalid_argument,
                "dates in '{}' such as '{}' could be month/day/year or day/month/year (no day is "
                "above 12); give --date-format mdy or --date-format dmy",
                source, *ambiguous_example_);
  }
  return std::optional<DateOrder>{};
}

std::string DateOrderScan::reason() const {
  if (day_first_line_) {
    return fmt::format("'{}' on line {} has no month {}", day_first_text_, *day_first_line_,
                       numeric_date_shape(day_first_text_)->first);
  }
  if (month_first_line_) {
    return fmt::format("'{}' on line {} has no month {}", month_first_text_, *month_first_line_,
                       numeric_date_shape(month_first_text_)->second);
  }
  return {};
}

Result<Timestamp> parse_yyyymmdd(std::string_view text) {
  std::size_t pos = 0;
  int y = 0, m = 0, d = 0;
  if (text.size() != 8 || !read_digits(text, pos, 4, y) || !read_digits(text, pos, 2, m) ||
      !read_digits(text, pos, 2, d)) {
    return bad_time(text, "yyyymmdd such as 20240301");
  }
  VAFA_TRY(const sys_days day_point, make_day(y, m, d, text));
  return Timestamp{day_point};
}

Result<Timestamp> parse_with_format(std::string_view text, const std::string& format) {
  const std::string copy(text);  // strptime needs a NUL-terminated string
  std::tm tm{};
  tm.tm_mday = 1;
  const char* end = strptime(copy.c_str(), format.c_str(), &tm);
  if (end == nullptr || *end != '\0') {
    return bad_time(text, fmt::format("format '{}'", format));
  }
  VAFA_TRY(const sys_days day_point, make_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, text));
  if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return bad_time(text, fmt::format("format '{}'", format));
  }
  Timestamp result = day_point + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
  result -= seconds{tm.tm_gmtoff};  // set by %z; zero otherwise
  return result;
}

Result<TimeParser> TimeParser::create(std::string_view format) {
  if (format.empty() || format == "auto") return TimeParser(Kind::automatic, "auto");
  if (format == "iso8601") return TimeParser(Kind::iso8601, "iso8601");
  if (format == "yyyymmdd" || format == "%Y%m%d") return TimeParser(Kind::yyyymmdd, "yyyymmdd");
  if (format == "mdy" || format == "dmy") {
    TimeParser parser(Kind::automatic, std::string(format));
    parser.order_ = format == "dmy" ? DateOrder::day_first : DateOrder::month_first;
    return parser;
  }
  if (format.find('%') == std::string_view::npos) {
    return fail(ErrorCode::invalid_argument,
                "date format '{}' is neither auto, iso8601, yyyymmdd, mdy, dmy nor a strptime "
                "format with % fields (e.g. '%d/%m/%Y %H:%M')",
                format);
  }
  return TimeParser(Kind::strptime, std::string(format));
}

Result<Timestamp> TimeParser::parse(std::string_view text) const {
  switch (kind_) {
    case Kind::iso8601: return parse_iso8601(text);
    case Kind::yyyymmdd: return parse_yyyymmdd(text);
    case Kind::strptime: return parse_with_format(text, format_);
    case Kind::automatic:
      if (text.size() == 8 && text.find('-') == std::string_view::npos) return parse_yyyymmdd(text);
      if (text.size() > 4 && text[4] == '-') return parse_iso8601(text);
      if (const auto shape = numeric_date_shape(text)) {
        if (order_ || shape->year_first || shape->separator == '.') {
          return parse_numeric_date(text, order_.value_or(DateOrder::day_first));
        }
        return fail(ErrorCode::invalid_argument,
                    "'{}' could be month/day/year or day/month/year; give --date-format mdy or "
                    "dmy",
                    text);
      }
      return fail(ErrorCode::invalid_argument,
                  "'{}' is not a valid time (expected ISO 8601 such as 2024-03-01T12:30:00Z, "
                  "2024-03-01 12:30:00 +0330, 12/31/2024 18:05 or 31.12.2024)",
                  text);
  }
  return fail(ErrorCode::internal, "unknown time parser");
}

Result<Date> parse_date(std::string_view text) {
  std::size_t pos = 0;
  int y = 0, m = 0, d = 0;
  if (!read_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, m) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, d) || pos != text.size()) {
    return fail(ErrorCode::invalid_argument, "'{}' is not a date (expected YYYY-MM-DD)", text);
  }
  VAFA_TRY(const sys_days day_point, make_day(y, m, d, text));
  return Date{day_point};
}

std::string format_date(Date d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

std::string format_date(Timestamp t) { return format_date(Date{floor<days>(t)}); }

std::string format_iso8601(Timestamp t) {
  const sys_days day_point = floor<days>(t);
  const hh_mm_ss<seconds> tod{t - day_point};
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format_date(Date{day_point}), tod.hours().count(),
                     tod.minutes().count(), tod.seconds().count());
}

}  // namespace vafa
