// UTC timestamps with one-second resolution, and their parsing and printing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vafa/core/error.hpp"

namespace vafa {

using Timestamp = std::chrono::sys_seconds;
using Date = std::chrono::year_month_day;

inline std::int64_t unix_seconds(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_unix_seconds(std::int64_t s) { return Timestamp{std::chrono::seconds{s}}; }

// ISO 8601: "2024-03-01", "2024-03-01T12:30", "2024-03-01 12:30:45", with optional fractional
// seconds (truncated) and an optional zone "Z", "+03:30", "-0400", "+04", also after a space
// (" +0330", as Shopify writes it) or as " UTC". Without a zone the time is taken as UTC.
Result<Timestamp> parse_iso8601(std::string_view text);

// "20240301" -> 2024-03-01T00:00:00Z.
Result<Timestamp> parse_yyyymmdd(std::string_view text);

// A strptime(3) format such as "%d/%m/%Y %H:%M". %z is honoured; otherwise the time is UTC.
// The whole text must be consumed.
Result<Timestamp> parse_with_format(std::string_view text, const std::string& format);

// Numeric dates as shops write them: "12/1/2010 8:26" (month first), "01.12.2010 08:26" (day
// first, always, with dots), "2010/12/01". Which of month and day comes first in "03/04/2024"
// cannot be told from one value: DateOrderScan finds it over a file.
enum class DateOrder { month_first, day_first };
std::string_view to_string(DateOrder order);  // "month/day/year", "day/month/year"

struct NumericDateShape {
  int first = 0;   // the first field (month or day; the month when year_first)
  int second = 0;  // the second field
  char separator = '/';
  bool year_first = false;
};
// The shape of a numeric date at the start of `text`, or nullopt when it is not one.
std::optional<NumericDateShape> numeric_date_shape(std::string_view text);

// A numeric date with an optional time ("8:26", "08:26:00", "4:44 PM") and zone, as ISO's.
// With dots the day comes first whatever `order` says.
Result<Timestamp> parse_numeric_date(std::string_view text, DateOrder order);

// Decides month-first or day-first from the values of a column: a first field above 12 can
// only be a day, a second field above 12 only a day too.
class DateOrderScan {
 public:
  void add(std::string_view text, std::int64_t line);
  bool numeric() const { return numeric_; }  // some value was a numeric date
  bool decided() const;                      // some value settled the order
  // The order; nothing when no value needs one; an error when the values contradict each other
  // or none tells (every day is 12 or less). `source` names the file in messages.
  Result<std::optional<DateOrder>> result(std::string_view source) const;
  // Why the order was chosen: "'13/12/2010 9:00' on line 7 has no month 13".
  std::string reason() const;

 private:
  bool numeric_ = false;
  std::optional<std::int64_t> day_first_line_, month_first_line_;
  std::string day_first_text_, month_first_text_;
  std::optional<std::string> ambiguous_example_;
};

// How a timestamp column is read. "auto" takes ISO 8601 (with "T" or a space, with "Z",
// "+03:30", "+0330" or " +0330"), yyyymmdd, and numeric dates once their order is known
// (set_date_order, or "mdy"/"dmy"); "iso8601" and "yyyymmdd" only those; anything with a
// % is a strptime format.
class TimeParser {
 public:
  static Result<TimeParser> create(std::string_view format);
  Result<Timestamp> parse(std::string_view text) const;
  const std::string& format() const { return format_; }
  bool automatic() const { return kind_ == Kind::automatic; }
  std::optional<DateOrder> date_order() const { return order_; }
  void set_date_order(DateOrder order) { order_ = order; }

 private:
  enum class Kind { automatic, iso8601, yyyymmdd, strptime };
  TimeParser(Kind kind, std::string format) : kind_(kind), format_(std::move(format)) {}
  Kind kind_;
  std::string format_;
  std::optional<DateOrder> order_;
};

// A calendar date "YYYY-MM-DD" (birthdays).
Result<Date> parse_date(std::string_view text);

std::string format_iso8601(Timestamp t);  // "2024-03-01T12:30:45Z"
std::string format_date(Timestamp t);     // "2024-03-01"
std::string format_date(Date d);          // "2024-03-01"

}  // namespace vafa
