// Dates and numbers in en, fa and hy from ICU, against values worked out by hand (1 January 2026
// is 11 Dey 1404; 21 March 2025 is 1 Farvardin 1404).
#include "vafa/i18n/i18n.hpp"

#include <gtest/gtest.h>

namespace vafa::i18n {
namespace {

Timestamp day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

TEST(I18n, NumericDatesInBothCalendars) {
  EXPECT_EQ(numeric_date(day(2026, 1, 1), Calendar::gregorian), "2026-01-01");
  EXPECT_EQ(numeric_date(day(2026, 1, 1), Calendar::persian), "1404-10-11");
  EXPECT_EQ(numeric_date(day(2025, 3, 21), Calendar::persian), "1404-01-01");
  EXPECT_EQ(numeric_date(day(2025, 3, 20), Calendar::persian), "1403-12-30");  // a leap Esfand
}

TEST(I18n, DatesAsEachLanguageWritesThem) {
  const Timestamp t = day(2026, 1, 1);
  EXPECT_EQ(long_date(t, Lang::en, Calendar::gregorian), "1 Jan 2026");
  const std::string fa = long_date(t, Lang::fa, Calendar::persian);
  EXPECT_NE(fa.find("دی"), std::string::npos) << fa;
  EXPECT_NE(fa.find("۱۴۰۴"), std::string::npos) << fa;
  EXPECT_NE(fa.find("۱۱"), std::string::npos) << fa;
  const std::string hy = long_date(t, Lang::hy, Calendar::gregorian);
  EXPECT_NE(hy.find("հնվ"), std::string::npos) << hy;
  EXPECT_NE(hy.find("2026"), std::string::npos) << hy;
}

TEST(I18n, NumbersAndLanguages) {
  EXPECT_EQ(whole_number(12345, Lang::en), "12,345");
  EXPECT_EQ(whole_number(12345, Lang::fa), "۱۲٬۳۴۵");
  EXPECT_EQ(whole_number(12345, Lang::hy), "12\u00a0345");
  EXPECT_EQ(parse_lang("fa").value(), Lang::fa);
  EXPECT_FALSE(parse_lang("de").has_value());
  EXPECT_EQ(parse_calendar("persian").value(), Calendar::persian);
  EXPECT_FALSE(parse_calendar("julian").has_value());
  EXPECT_TRUE(right_to_left(Lang::fa));
  EXPECT_EQ(default_calendar(Lang::fa), Calendar::persian);
  EXPECT_EQ(default_calendar(Lang::hy), Calendar::gregorian);
}

}  // namespace
}  // namespace vafa::i18n
