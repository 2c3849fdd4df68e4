#include "vafa/core/money.hpp"

#include <gtest/gtest.h>

namespace vafa {
namespace {

Currency usd() { return Currency::parse("USD").value(); }

TEST(Currency, KnownCodesAndExponents) {
  EXPECT_EQ(Currency::parse("usd")->code(), "USD");
  EXPECT_EQ(Currency::parse("USD")->exponent(), 2);
  EXPECT_EQ(Currency::parse("JPY")->exponent(), 0);
  EXPECT_EQ(Currency::parse("KWD")->exponent(), 3);
  EXPECT_EQ(Currency::parse("AMD")->exponent(), 2);
  EXPECT_EQ(Currency::parse("IRR")->exponent(), 2);
}

TEST(Currency, RejectsUnknown) {
  EXPECT_FALSE(Currency::parse("XXX"));
  EXPECT_FALSE(Currency::parse("US"));
  EXPECT_FALSE(Currency::parse(""));
  EXPECT_EQ(Currency::parse("ABC").error().code, ErrorCode::invalid_argument);
}

TEST(Money, ParsesExactly) {
  EXPECT_EQ(Money::parse("12.34", usd())->minor_units(), 1234);
  EXPECT_EQ(Money::parse("0.1", usd())->minor_units(), 10);
  EXPECT_EQ(Money::parse("-0.05", usd())->minor_units(), -5);
  EXPECT_EQ(Money::parse("+3", usd())->minor_units(), 300);
  EXPECT_EQ(Money::parse("12.3400", usd())->minor_units(), 1234);
  EXPECT_EQ(Money::parse(".5", usd())->minor_units(), 50);
  EXPECT_EQ(Money::parse("7.", usd())->minor_units(), 700);
  // A value that is not exact in binary floating point stays exact.
  EXPECT_EQ(Money::parse("0.29", usd())->minor_units(), 29);
  EXPECT_EQ(Money::parse("1234567890123456.78", usd())->minor_units(), 123456789012345678);
  EXPECT_EQ(Money::parse("5", Currency::parse("JPY").value())->minor_units(), 5);
  EXPECT_EQ(Money::parse("1.234", Currency::parse("KWD").value())->minor_units(), 1234);
}

TEST(Money, RejectsMalformed) {
  for (const char* bad : {"", "-", ".", "1,000.00", "12.345", "1e3", "abc", "1.2.3", " 1", "--1",
                          "99999999999999999999"}) {
    auto parsed = Money::parse(bad, usd());
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
    }
  }
  EXPECT_FALSE(Money::parse("1.5", Currency::parse("JPY").value()));
}

TEST(Money, ExtremesRoundTrip) {
  EXPECT_EQ(Money::parse("-92233720368547758.08", usd())->minor_units(), INT64_MIN);
  EXPECT_EQ(Money::parse("92233720368547758.07", usd())->minor_units(), INT64_MAX);
  EXPECT_FALSE(Money::parse("92233720368547758.08", usd()));
  EXPECT_EQ(Money(INT64_MIN, usd()).to_decimal(), "-92233720368547758.08");
}

TEST(Money, UnitPricesFinerThanTheCurrency) {
  EXPECT_EQ(parse_unit_price_micros("0.001").value(), 1'000);
  EXPECT_EQ(parse_unit_price_micros("2.55").value(), 2'550'000);
  EXPECT_EQ(parse_unit_price_micros("0.123456").value(), 123'456);
  EXPECT_FALSE(parse_unit_price_micros("0.1234567"));
  // GBP (2 decimals): exact product, one rounding, half to even.
  EXPECT_EQ(line_amount_minor(6, 2'550'000, 2).value(), 1530);
  EXPECT_EQ(line_amount_minor(3, 1'000, 2).value(), 0);     // 0.3 p
  EXPECT_EQ(line_amount_minor(5, 1'000, 2).value(), 0);     // 0.5 p to even
  EXPECT_EQ(line_amount_minor(15, 1'000, 2).value(), 2);    // 1.5 p to even
  EXPECT_EQ(line_amount_minor(25, 1'000, 2).value(), 2);    // 2.5 p to even
  EXPECT_EQ(line_amount_minor(-15, 1'000, 2).value(), -2);  // a return rounds the same way
  EXPECT_EQ(line_amount_minor(-5, 3'000, 2).value(), -2);   // -1.5 p to even
  EXPECT_EQ(line_amount_minor(1000, 1'000, 2).value(), 100);
  EXPECT_EQ(line_amount_minor(7, 1'500'000, 0).value(), 10);    // 10.5 IRR to even
  EXPECT_EQ(line_amount_minor(2, 1'234'567, 3).value(), 2469);  // 2.469134 KWD
  EXPECT_FALSE(line_amount_minor(INT64_MAX, INT64_MAX, 2));
}

TEST(Money, FormatsWithExponent) {
  EXPECT_EQ(Money(1234, usd()).to_decimal(), "12.34");
  EXPECT_EQ(Money(-5, usd()).to_decimal(), "-0.05");
  EXPECT_EQ(Money(0, usd()).to_decimal(), "0.00");
  EXPECT_EQ(Money(1200, Currency::parse("JPY").value()).to_decimal(), "1200");
  EXPECT_EQ(Money(1, Currency::parse("BHD").value()).to_decimal(), "0.001");
}

TEST(Money, ArithmeticChecksCurrencyAndOverflow) {
  const Money a(150, usd());
  EXPECT_EQ(a.plus(Money(50, usd()))->minor_units(), 200);
  EXPECT_FALSE(a.plus(Money(50, Currency::parse("EUR").value())));
  EXPECT_FALSE(Money(INT64_MAX, usd()).plus(Money(1, usd())));
  EXPECT_EQ(a.times(3)->minor_units(), 450);
  EXPECT_FALSE(Money(INT64_MAX / 2 + 1, usd()).times(2));
}

}  // namespace
}  // namespace vafa
