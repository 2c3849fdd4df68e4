// UTC timestamps with one-second resolution, and their parsing and printing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "vafa/core/error.hpp"

namespace vafa {

using Timestamp = std::chrono::sys_seconds;
using Date = std::chrono::year_month_day;

inline std::int64_t unix_seconds(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_unix_seconds(std::int64_t s) { return Timestamp{std::chrono::seconds{s}}; }

// ISO 8601: "2024-03-01", "2024-03-01T12:30", "2024-03-01 12:30:45", with optional fractional
// seconds (truncated) and an optional zone "Z", "+03:30", "-0400" or "+04". Without a zone the
// time is taken as UTC.
Result<Timestamp> parse_iso8601(std::string_view text);

// "20240301" -> 2024-03-01T00:00:00Z.
Result<Timestamp> parse_yyyymmdd(std::string_view text);

// A strptime(3) format such as "%d/%m/%Y %H:%M". %z is honoured; otherwise the time is UTC.
// The whole text must be consumed.
Result<Timestamp> parse_with_format(std::string_view text, const std::string& format);

// How a timestamp column is read: ISO 8601 unless a format is given. The special formats
// "iso8601" and "yyyymmdd" select the built-in parsers; "auto" accepts either of those.
class TimeParser {
 public:
  static Result<TimeParser> create(std::string_view format);
  Result<Timestamp> parse(std::string_view text) const;
  const std::string& format() const { return format_; }

 private:
  enum class Kind { automatic, iso8601, yyyymmdd, strptime };
  TimeParser(Kind kind, std::string format) : kind_(kind), format_(std::move(format)) {}
  Kind kind_;
  std::string format_;
};

// A calendar date "YYYY-MM-DD" (birthdays).
Result<Date> parse_date(std::string_view text);

std::string format_iso8601(Timestamp t);  // "2024-03-01T12:30:45Z"
std::string format_date(Timestamp t);     // "2024-03-01"
std::string format_date(Date d);          // "2024-03-01"

}  // namespace vafa
