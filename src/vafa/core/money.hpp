// Money: an exact count of minor units (cents, luma, rials...) plus an ISO 4217 currency.
// Never represented as double; decimal text is parsed and printed digit by digit.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "vafa/core/error.hpp"

namespace vafa {

// An ISO 4217 alphabetic code with its minor-unit exponent (USD 2, JPY 0, KWD 3).
class Currency {
 public:
  // Accepts a known ISO 4217 code, case-insensitively ("usd" -> USD).
  static Result<Currency> parse(std::string_view code);

  std::string_view code() const { return {code_.data(), 3}; }
  int exponent() const { return exponent_; }
  friend bool operator==(const Currency&, const Currency&) = default;

 private:
  Currency(std::array<char, 3> code, int exponent) : code_(code), exponent_(exponent) {}
  std::array<char, 3> code_;
  int exponent_;
};

class Money {
 public:
  Money(std::int64_t minor_units, Currency currency) : minor_(minor_units), currency_(currency) {}

  // Parses a plain decimal ("12.34", "-0.5", "+3", "1200") exactly. Digits past the currency's
  // exponent are accepted only when they are zeros ("12.3400" in USD); "12.345" in USD is an
  // error, never a silent rounding. Thousands separators and exponents are rejected.
  static Result<Money> parse(std::string_view text, Currency currency);

  std::int64_t minor_units() const { return minor_; }
  Currency currency() const { return currency_; }

  // Decimal text with exactly exponent() fractional digits: "12.34", "-0.05", "1200".
  std::string to_decimal() const;

  // Arithmetic fails on currency mismatch or int64 overflow.
  Result<Money> plus(const Money& other) const;
  Result<Money> times(std::int64_t factor) const;

  friend bool operator==(const Money&, const Money&) = default;

 private:
  std::int64_t minor_;
  Currency currency_;
};

// Parses decimal text into minor units for the given exponent (shared by Money::parse).
Result<std::int64_t> parse_minor_units(std::string_view text, int exponent);
// A price per unit may be finer than the currency (0.001 GBP a unit exists in real catalogues):
// it is parsed exactly, as millionths of the major unit (up to 6 decimal places).
constexpr int kUnitPriceDecimals = 6;
Result<std::int64_t> parse_unit_price_micros(std::string_view text);
// quantity x unit price in the minor units of `exponent` (0..6): computed exactly, rounded half
// to even once. 3 x 0.001 GBP is 0 pence, 5 x 0.001 is 0 (0.5 to even), 15 x 0.001 is 2.
Result<std::int64_t> line_amount_minor(std::int64_t quantity, std::int64_t unit_price_micros,
                                       int exponent);

// Formats minor units with the given exponent.
std::string format_minor_units(std::int64_t minor_units, int exponent);

}  // namespace vafa
