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

}  // namespace

Result<Timestamp> parse_iso8601(std::string_view text) {
  constexpr std::string_view kExpected = "ISO 8601 such as 2024-03-01 or 2024-03-01T12:30:00Z";
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0;
  if (!read_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, mo) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, d)) {
    return bad_time(text, kExpected);
  }
  VAFA_TRY(const sys_days day_point, make_day(y, mo, d, text));
  Timestamp result = day_point;
  if (pos == text.size()) return result;
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return bad_time(text, kExpected);
  ++pos;
  int h = 0, mi = 0, s = 0;
  if (!read_digits(text, pos, 2, h) || pos >= text.size() || text[pos++] != ':' ||
      !read_digits(text, pos, 2, mi)) {
    return bad_time(text, kExpected);
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, s)) return bad_time(text, kExpected);
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      const std::size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start) return bad_time(text, kExpected);
    }
  }
  // 24:00:00 is not accepted; leap second 60 is folded into the next minute by arithmetic.
  if (h > 23 || mi > 59 || s > 60) return bad_time(text, kExpected);
  result += hours{h} + minutes{mi} + seconds{s};
  if (pos == text.size()) return result;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    return pos + 1 == text.size() ? Result<Timestamp>(result) : bad_time(text, kExpected);
  }
  if (text[pos] != '+' && text[pos] != '-') return bad_time(text, kExpected);
  const int sign = text[pos++] == '-' ? -1 : 1;
  int oh = 0, om = 0;
  if (!read_digits(text, pos, 2, oh)) return bad_time(text, kExpected);
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && !read_digits(text, pos, 2, om)) return bad_time(text, kExpected);
  if (pos != text.size() || oh > 23 || om > 59) return bad_time(text, kExpected);
  // Local time = UTC + offset, so UTC = local - offset.
  result -= sign * (hours{oh} + minutes{om});
  return result;
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
  if (format.find('%') == std::string_view::npos) {
    return fail(ErrorCode::invalid_argument,
                "date format '{}' is neither auto, iso8601, yyyymmdd nor a strptime format "
                "with % fields (e.g. '%d/%m/%Y %H:%M')",
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
      return parse_iso8601(text);
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
