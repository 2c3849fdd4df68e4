#include "vafa/core/money.hpp"

#include <algorithm>
#include <cctype>

namespace vafa {
namespace {

struct CurrencyInfo {
  std::string_view code;
  int exponent;
};

// ISO 4217 active codes and their minor units (list of 2024). Codes with no minor unit defined
// (XAU, XDR...) are omitted: they are not used for retail money.
constexpr CurrencyInfo kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2},
    {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CRC", 2},
    {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2},
    {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2},
    {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2},
    {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2},
    {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2},
    {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2},
    {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2},
    {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2},
    {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2}, {"UZS", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2},
    {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
};

constexpr std::int64_t kPow10[] = {1, 10, 100, 1000, 10000};

}  // namespace

Result<Currency> Currency::parse(std::string_view code) {
  if (code.size() != 3) {
    return fail(ErrorCode::invalid_argument, "currency '{}' is not a 3-letter ISO 4217 code", code);
  }
  std::array<char, 3> upper{};
  for (int i = 0; i < 3; ++i) {
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(code[i])));
  }
  std::string_view key(upper.data(), 3);
  const auto* it = std::find_if(std::begin(kCurrencies), std::end(kCurrencies),
                                [&](const CurrencyInfo& c) { return c.code == key; });
  if (it == std::end(kCurrencies)) {
    return fail(ErrorCode::invalid_argument, "unknown ISO 4217 currency '{}'", code);
  }
  return Currency(upper, it->exponent);
}

Result<std::int64_t> parse_minor_units(std::string_view text, int exponent) {
  const std::string_view original = text;
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::invalid_argument, "'{}' is not a valid amount: {}", original, why);
  };
  if (text.empty()) return bad("empty");
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return bad("no digits");
  // |value| accumulates as a negative number so that INT64_MIN is representable.
  std::int64_t value = 0;
  bool any_digit = false;
  std::size_t i = 0;
  auto push_digit = [&](char c) -> bool {
    const std::int64_t d = c - '0';
    if (value < (INT64_MIN + d) / 10) return false;
    value = value * 10 - d;
    return true;
  };
  for (; i < text.size() && text[i] != '.'; ++i) {
    if (text[i] < '0' || text[i] > '9') return bad("unexpected character");
    if (!push_digit(text[i])) return bad("too large");
    any_digit = true;
  }
  int fraction_digits = 0;
  if (i < text.size()) {  // text[i] == '.'
    ++i;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c < '0' || c > '9') return bad("unexpected character");
      any_digit = true;
      if (fraction_digits < exponent) {
        if (!push_digit(c)) return bad("too large");
        ++fraction_digits;
      } else if (c != '0') {
        return bad(fmt::format("more than {} decimal places", exponent));
      }
    }
  }
  if (!any_digit) return bad("no digits");
  for (; fraction_digits < exponent; ++fraction_digits) {
    if (value < INT64_MIN / 10) return bad("too large");
    value *= 10;
  }
  if (!negative) {
    if (value == INT64_MIN) return bad("too large");
    value = -value;
  }
  return value;
}

std::string format_minor_units(std::int64_t minor_units, int exponent) {
  const bool negative = minor_units < 0;
  // Work in unsigned to handle INT64_MIN.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(minor_units)
                                     : static_cast<std::uint64_t>(minor_units);
  const auto scale = static_cast<std::uint64_t>(kPow10[exponent]);
  std::string out = negative ? "-" : "";
  out += fmt::format("{}", magnitude / scale);
  if (exponent > 0) out += fmt::format(".{:0{}}", magnitude % scale, exponent);
  return out;
}

Result<Money> Money::parse(std::string_view text, Currency currency) {
  VAFA_TRY(const std::int64_t minor, parse_minor_units(text, currency.exponent()));
  return Money(minor, currency);
}

Result<std::int64_t> parse_unit_price_micros(std::string_view text) {
  return parse_minor_units(text, kUnitPriceDecimals);
}

namespace {

__extension__ using Int128 = __int128;

// Half to even of numerator / denominator (denominator > 0).
std::int64_t divide_half_even(Int128 numerator, std::int64_t denominator) {
  Int128 quotient = numerator / denominator;
  Int128 remainder = numerator % denominator;
  if (remainder < 0) {  // floor division, so the remainder is in [0, denominator)
    quotient -= 1;
    remainder += denominator;
  }
  const Int128 twice = remainder * 2;
  if (twice > denominator || (twice == denominator && (quotient & 1) != 0)) quotient += 1;
  return static_cast<std::int64_t>(quotient);
}

}  // namespace

Result<std::int64_t> line_amount_minor(std::int64_t quantity, std::int64_t unit_price_micros,
                                       int exponent) {
  if (exponent < 0 || exponent > kUnitPriceDecimals) {
    return fail(ErrorCode::invalid_argument, "a currency with {} decimals", exponent);
  }
  std::int64_t scale = 1;
  for (int i = exponent; i < kUnitPriceDecimals; ++i) scale *= 10;
  const Int128 exact = static_cast<Int128>(quantity) * unit_price_micros;
  const Int128 limit = static_cast<Int128>(INT64_MAX) * scale;
  if (exact > limit || exact < -limit) {
    return fail(ErrorCode::invalid_argument, "line amount overflows");
  }
  return divide_half_even(exact, scale);
}

std::string Money::to_decimal() const { return format_minor_units(minor_, currency_.exponent()); }

Result<Money> Money::plus(const Money& other) const {
  if (!(currency_ == other.currency_)) {
    return fail(ErrorCode::invalid_argument, "cannot add {} to {}", other.currency_.code(),
                currency_.code());
  }
  std::int64_t sum = 0;
  if (__builtin_add_overflow(minor_, other.minor_, &sum)) {
    return fail(ErrorCode::invalid_argument, "amount overflow");
  }
  return Money(sum, currency_);
}

Result<Money> Money::times(std::int64_t factor) const {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(minor_, factor, &product)) {
    return fail(ErrorCode::invalid_argument, "amount overflow");
  }
  return Money(product, currency_);
}

}  // namespace vafa
