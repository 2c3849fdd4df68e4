#include "vafa/core/time.hpp"

#include <gtest/gtest.h>

#include "vafa/core/clock.hpp"

namespace vafa {
namespace {

using namespace std::chrono;

Timestamp at(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

TEST(Time, ParsesIso8601Variants) {
  EXPECT_EQ(parse_iso8601("2024-03-01").value(), at(2024, 3, 1));
  EXPECT_EQ(parse_iso8601("2024-03-01T12:30").value(), at(2024, 3, 1, 12, 30));
  EXPECT_EQ(parse_iso8601("2024-03-01 12:30:45").value(), at(2024, 3, 1, 12, 30, 45));
  EXPECT_EQ(parse_iso8601("2024-03-01T12:30:45.123Z").value(), at(2024, 3, 1, 12, 30, 45));
  EXPECT_EQ(parse_iso8601("2024-03-01T12:30:00+03:30").value(), at(2024, 3, 1, 9, 0));
  EXPECT_EQ(parse_iso8601("2024-03-01T12:30:00-0400").value(), at(2024, 3, 1, 16, 30));
  EXPECT_EQ(parse_iso8601("2024-03-01T01:00:00+04").value(), at(2024, 2, 29, 21, 0));
}

TEST(Time, RejectsBadIso8601) {
  for (const char* bad :
       {"", "2024", "2024-13-01", "2024-02-30", "2023-02-29", "2024-03-01T25:00", "2024-03-01X",
        "2024-3-1", "2024-03-01T12:30:00+", "01/03/2024", "2024-03-01T12:30:00Zjunk"}) {
    EXPECT_FALSE(parse_iso8601(bad)) << bad;
  }
  EXPECT_NE(parse_iso8601("2024-02-30").error().message.find("2024-02-30"), std::string::npos);
}

TEST(Time, ParsesYyyymmdd) {
  EXPECT_EQ(parse_yyyymmdd("19970101").value(), at(1997, 1, 1));
  EXPECT_FALSE(parse_yyyymmdd("1997011"));
  EXPECT_FALSE(parse_yyyymmdd("19970230"));
  EXPECT_FALSE(parse_yyyymmdd("1997-1-1"));
}

TEST(Time, ParsesUserFormat) {
  EXPECT_EQ(parse_with_format("01/12/2010 08:26", "%d/%m/%Y %H:%M").value(),
            at(2010, 12, 1, 8, 26));
  EXPECT_EQ(parse_with_format("2010-12-01 08:26 +0100", "%Y-%m-%d %H:%M %z").value(),
            at(2010, 12, 1, 7, 26));
  EXPECT_FALSE(parse_with_format("01/12/2010 08:26 trailing", "%d/%m/%Y %H:%M"));
  EXPECT_FALSE(parse_with_format("31/02/2010", "%d/%m/%Y"));
}

TEST(Time, TimeParserSelectsParser) {
  EXPECT_EQ(TimeParser::create("auto")->parse("19970101").value(), at(1997, 1, 1));
  EXPECT_EQ(TimeParser::create("auto")->parse("1997-01-01").value(), at(1997, 1, 1));
  EXPECT_EQ(TimeParser::create("%m/%d/%Y")->parse("12/31/2010").value(), at(2010, 12, 31));
  EXPECT_FALSE(TimeParser::create("dd/mm/yyyy"));
}

TEST(Time, Formats) {
  EXPECT_EQ(format_iso8601(at(2024, 3, 1, 9, 5, 7)), "2024-03-01T09:05:07Z");
  EXPECT_EQ(format_date(at(1997, 1, 1, 23, 59)), "1997-01-01");
  EXPECT_EQ(format_iso8601(at(1969, 12, 31, 23, 59, 59)), "1969-12-31T23:59:59Z");
}

TEST(Time, ParsesDates) {
  EXPECT_EQ(format_date(parse_date("1990-07-15").value()), "1990-07-15");
  EXPECT_FALSE(parse_date("1990-07-15T00:00"));
  EXPECT_FALSE(parse_date("1990-02-31"));
}

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(at(2024, 1, 1));
  EXPECT_EQ(clock.now(), at(2024, 1, 1));
  clock.advance(hours{25});
  EXPECT_EQ(clock.now(), at(2024, 1, 2, 1));
}

}  // namespace
}  // namespace vafa
