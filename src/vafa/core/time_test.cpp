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

TEST(Time, ZonesAsExportsWriteThem) {
  // Shopify: a space before the offset.
  EXPECT_EQ(parse_iso8601("2025-01-05 16:44:00 +0000").value(), at(2025, 1, 5, 16, 44));
  EXPECT_EQ(parse_iso8601("2025-01-05 16:44:00 +0330").value(), at(2025, 1, 5, 13, 14));
  EXPECT_EQ(parse_iso8601("2025-01-05T16:44:00+0330").value(), at(2025, 1, 5, 13, 14));
  EXPECT_EQ(parse_iso8601("2025-01-05 16:44:00 -05:00").value(), at(2025, 1, 5, 21, 44));
  EXPECT_EQ(parse_iso8601("2025-01-05 16:44:00 UTC").value(), at(2025, 1, 5, 16, 44));
  EXPECT_FALSE(parse_iso8601("2025-01-05 16:44:00 "));
  EXPECT_FALSE(parse_iso8601("2025-01-05 16:44:00  +0000"));
  EXPECT_FALSE(parse_iso8601("2025-01-05 16:44:00 +00000"));
  EXPECT_FALSE(parse_iso8601("2025-01-05 4:44 PM"));  // ISO has no AM/PM
}

TEST(Time, NumericDatesInEitherOrder) {
  // UCI Online Retail: month first, hours without a leading zero.
  EXPECT_EQ(parse_numeric_date("12/1/2010 8:26", DateOrder::month_first).value(),
            at(2010, 12, 1, 8, 26));
  EXPECT_EQ(parse_numeric_date("12/1/2010 8:26", DateOrder::day_first).value(),
            at(2010, 1, 12, 8, 26));
  EXPECT_EQ(parse_numeric_date("1/5/2025 4:44 PM", DateOrder::month_first).value(),
            at(2025, 1, 5, 16, 44));
  EXPECT_EQ(parse_numeric_date("1/5/2025 12:10 am", DateOrder::month_first).value(),
            at(2025, 1, 5, 0, 10));
  // Dots are day first whatever the order.
  EXPECT_EQ(parse_numeric_date("31.12.2024 18:05:30", DateOrder::month_first).value(),
            at(2024, 12, 31, 18, 5, 30));
  EXPECT_EQ(parse_numeric_date("2010/12/01", DateOrder::month_first).value(), at(2010, 12, 1));
  EXPECT_EQ(parse_numeric_date("9/6/2016 6:29:00 +0200", DateOrder::month_first).value(),
            at(2016, 9, 6, 4, 29));
  for (const char* bad : {"13/1/2010", "2/30/2010", "12/1/10", "12/1/2010 13:00 PM",
                          "12/1/2010 8:26 junk", "12-1/2010", "1/2"}) {
    EXPECT_FALSE(parse_numeric_date(bad, DateOrder::month_first)) << bad;
  }
}

TEST(Time, TheOrderOfAFileIsFoundFromItsValues) {
  DateOrderScan month_first;
  month_first.add("12/1/2010 8:26", 2);
  EXPECT_FALSE(month_first.decided());
  month_first.add("12/13/2010 9:00", 7);
  EXPECT_TRUE(month_first.decided());
  EXPECT_EQ(month_first.result("f.csv").value(), DateOrder::month_first);
  EXPECT_NE(month_first.reason().find("line 7"), std::string::npos) << month_first.reason();

  DateOrderScan day_first;
  day_first.add("25/12/2024", 3);
  EXPECT_EQ(day_first.result("f.csv").value(), DateOrder::day_first);

  DateOrderScan unknown;
  unknown.add("03/04/2024", 2);
  unknown.add("04/03/2024", 3);
  auto refused = unknown.result("f.csv");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("--date-format"), std::string::npos);

  DateOrderScan mixed;
  mixed.add("25/12/2024", 2);
  mixed.add("12/25/2024", 3);
  EXPECT_FALSE(mixed.result("f.csv"));

  DateOrderScan iso;
  iso.add("2024-12-25", 2);
  EXPECT_FALSE(iso.numeric());
  EXPECT_FALSE(iso.result("f.csv").value().has_value());
}

TEST(Time, AutomaticReadsNumericDatesOnceTheOrderIsKnown) {
  auto parser = TimeParser::create("auto").value();
  EXPECT_FALSE(parser.parse("12/1/2010 8:26"));
  EXPECT_EQ(parser.parse("01.12.2010").value(), at(2010, 12, 1));
  parser.set_date_order(DateOrder::month_first);
  EXPECT_EQ(parser.parse("12/1/2010 8:26").value(), at(2010, 12, 1, 8, 26));
  EXPECT_EQ(parser.parse("2010-12-01 08:26:00 +0000").value(), at(2010, 12, 1, 8, 26));
  EXPECT_EQ(TimeParser::create("dmy")->parse("12/1/2010").value(), at(2010, 1, 12));
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
