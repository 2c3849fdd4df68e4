#include "vafa/segments/rule.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace vafa::segments {
namespace {

Schema shop() {
  Schema s;
  s.attributes = {{"orders", ValueType::number},      {"last_order_days", ValueType::number},
                  {"clv", ValueType::number},         {"country", ValueType::text},
                  {"stage", ValueType::text},         {"consent.email", ValueType::boolean},
                  {"consent.sms", ValueType::boolean}};
  s.values["stage"] = {"prospect", "new", "active", "vip", "at_risk", "lapsed"};
  return s;
}

// Five customers:     0      1      2      3      4
Table customers() {
  Table t;
  t.rows = 5;
  t.columns["orders"] = Column{ValueType::number, {5, 1, 3, 0, 12}};
  t.columns["last_order_days"] = Column{ValueType::number, {10, 200, 90, NAN, 30}};
  t.columns["clv"] = Column{ValueType::number, {120.5, 8, NAN, 0, 900}};
  t.columns["country"] =
      Column{ValueType::text, {}, {"IR", "AM", "DE", "", "AM"}, {}, {0, 0, 0, 1, 0}};
  t.columns["stage"] =
      Column{ValueType::text, {}, {"active", "lapsed", "active", "prospect", "vip"}};
  t.columns["consent.email"] = Column{ValueType::boolean, {}, {}, {1, 1, 0, 1, 1}};
  t.columns["consent.sms"] = Column{ValueType::boolean, {}, {}, {0, 1, 0, 0, 1}, {0, 0, 0, 0, 1}};
  t.columns["events:review:90"] = Column{ValueType::number, {0, 2, 1, 0, 0}};
  return t;
}

std::vector<std::uint8_t> members(std::string_view text) {
  auto rule = Rule::parse(text, shop());
  EXPECT_TRUE(rule) << text << ": " << (rule ? "" : rule.error().message);
  if (!rule) return {};
  auto flags = rule->evaluate(customers());
  EXPECT_TRUE(flags) << text << ": " << (flags ? "" : flags.error().message);
  return flags ? *flags : std::vector<std::uint8_t>{};
}

using Flags = std::vector<std::uint8_t>;

TEST(Rule, ValidRulesSelectTheRightCustomers) {
  const struct {
    const char* rule;
    Flags expected;
  } cases[] = {
      {"orders >= 3 and last_order_days <= 90 and consent.email and country in (\"IR\", \"AM\")",
       {1, 0, 0, 0, 1}},
      {"orders >= 3", {1, 0, 1, 0, 1}},
      {"orders = 3", {0, 0, 1, 0, 0}},
      {"orders == 3", {0, 0, 1, 0, 0}},
      {"orders != 3", {1, 1, 0, 1, 1}},
      {"orders < 3 or orders > 10", {0, 1, 0, 1, 1}},
      // Missing values make comparisons false, "!=" included; "not" negates the result.
      {"last_order_days <= 90", {1, 0, 1, 0, 1}},
      {"last_order_days != 90", {1, 1, 0, 0, 1}},
      {"not (last_order_days <= 90)", {0, 1, 0, 1, 0}},
      {"clv > 100", {1, 0, 0, 0, 1}},
      {"country = \"AM\"", {0, 1, 0, 0, 1}},
      {"country != 'AM'", {1, 0, 1, 0, 0}},
      {"country not in ('AM', 'IR')", {0, 0, 1, 0, 0}},
      {"stage in (\"active\", \"vip\")", {1, 0, 1, 0, 1}},
      {"consent.sms", {0, 1, 0, 0, 0}},
      {"not consent.email", {0, 0, 1, 0, 0}},
      {"consent.email = false", {0, 0, 1, 0, 0}},
      {"events(\"review\", 90) >= 1", {0, 1, 1, 0, 0}},
      {"orders >= 3 and (country = 'IR' or country = 'DE')", {1, 0, 1, 0, 0}},
      {"orders >= 3 and country = 'IR' or country = 'DE'", {1, 0, 1, 0, 0}},
      {"orders >= 1 or orders >= 5 and clv > 500", {1, 1, 1, 0, 1}},  // and binds tighter
      {"orders >= -1", {1, 1, 1, 1, 1}},
      {"clv >= 120.5", {1, 0, 0, 0, 1}},
      {"true", {1, 1, 1, 1, 1}},
      {"3 <= orders", {1, 0, 1, 0, 1}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(members(c.rule), c.expected) << c.rule;
  }
}

TEST(Rule, PersianAndArabicDigitsAreNumbers) {
  EXPECT_EQ(members("orders >= ۳"), (Flags{1, 0, 1, 0, 1}));
  EXPECT_EQ(members("orders >= ٣"), (Flags{1, 0, 1, 0, 1}));
  EXPECT_EQ(members("clv > ۱۰۰٫۵"), (Flags{1, 0, 0, 0, 1}));
  EXPECT_EQ(members("orders >= ۱۲"), (Flags{0, 0, 0, 0, 1}));
  // Inside a string they stay what they are.
  EXPECT_EQ(members("country = \"۱\""), (Flags{0, 0, 0, 0, 0}));
  // Columns count characters, so an error after Persian digits points at the right place.
  auto bad = Rule::parse("orders >= ۳ and", shop());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().column, 16u);
}

TEST(Rule, ClosedValuesMatchAsTheTableShowsThemOrListWhatThereIs) {
  EXPECT_EQ(members("stage = \"VIP\""), (Flags{0, 0, 0, 0, 1}));
  EXPECT_EQ(members("stage in (\"Active\", \"LAPSED\")"), (Flags{1, 1, 1, 0, 0}));
  EXPECT_EQ(members("stage != \"at risk\""), (Flags{1, 1, 1, 1, 1}));
  auto unknown = Rule::parse("stage = \"gold\"", shop());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().column, 9u);
  EXPECT_NE(unknown.error().message.find("prospect, new, active, vip, at_risk, lapsed"),
            std::string::npos)
      << unknown.error().message;
  EXPECT_FALSE(Rule::parse("stage in (\"vip\", \"platinum\")", shop()));
  // Open attributes take any text.
  EXPECT_EQ(members("country = \"XX\""), (Flags{0, 0, 0, 0, 0}));
}

TEST(Rule, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(members("orders >= 3 AND consent.email OR NOT consent.email"), (Flags{1, 0, 1, 0, 1}));
  EXPECT_EQ(members("country NOT IN ('AM')"), (Flags{1, 0, 1, 0, 0}));
}

TEST(Rule, InvalidRulesSayWhatAndWhere) {
  const struct {
    const char* rule;
    std::size_t column;
    const char* says;
  } cases[] = {
      {"", 1, "empty"},
      {"ordrs >= 3", 1, "did you mean 'orders'"},
      {"orders >= 3 and contry = 'IR'", 17, "did you mean 'country'"},
      {"ORDERS >= 3", 1, "unknown name 'ORDERS'"},
      {"orders >= 'three'", 8, "cannot compare a number with a text"},
      {"country > 'AM'", 9, "only be compared with = or !="},
      {"orders", 1, "is a number, not a condition"},
      {"orders >= 3 and", 16, "expected a name or a value, found the end"},
      {"orders >= 3 and and", 17, "keyword 'and'"},
      {"(orders >= 3", 13, "expected ')' to close the '(' at column 1"},
      {"orders >= 3)", 12, "expected 'and', 'or' or the end"},
      {"country = 'IR", 11, "not closed"},
      {"orders >= 3 & clv > 1", 13, "unexpected character '&'"},
      {"orders ! 3", 8, "use != or not"},
      {"country in 'IR'", 12, "expected '('"},
      {"country in ('IR', 3)", 19, "this value is a number"},
      {"country in ('IR', stage)", 19, "values, not attributes"},
      {"events(review, 90) > 1", 8, "event type as a string"},
      {"events('review', 0) > 1", 18, "whole number of days"},
      {"events('review', 1.5) > 1", 18, "whole number of days"},
      {"orders >= 3x", 12, "after the number"},
      {"consent. >= 1", 10, "expected a name after '.'"},
      // Columns count characters, not bytes: "کشور" is 4 characters, 8 bytes.
      {"country = 'ایران' and کشور = 'IR'", 23, "unknown name 'کشور'"},
  };
  for (const auto& c : cases) {
    auto rule = Rule::parse(c.rule, shop());
    ASSERT_FALSE(rule) << c.rule;
    EXPECT_EQ(rule.error().column, c.column) << c.rule << ": " << rule.error().message;
    EXPECT_NE(rule.error().message.find(c.says), std::string::npos)
        << c.rule << ": " << rule.error().message;
    EXPECT_EQ(rule.error().to_error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(rule.error().to_error().message.rfind("column ", 0), 0u);
  }
}

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// The parser recurses per parenthesis and "not": a deep rule is refused at the column where it
// goes too deep instead of running out of stack (it was SIGSEGV at 4,000 parentheses).
TEST(Rule, NestingIsBoundedWithAColumnAccurateError) {
  const std::string ok = repeated("(", kMaxRuleDepth) + "orders > 1" + repeated(")", kMaxRuleDepth);
  EXPECT_TRUE(Rule::parse(ok, shop()));
  const std::string nots = repeated("not ", kMaxRuleDepth) + "orders > 1";
  EXPECT_TRUE(Rule::parse(nots, shop()));

  const std::string deep = repeated("(", 4000) + "orders>1" + repeated(")", 4000);
  auto rule = Rule::parse(deep, shop());
  ASSERT_FALSE(rule);
  EXPECT_EQ(rule.error().column, kMaxRuleDepth + 1);
  EXPECT_NE(rule.error().message.find("more than 64 deep"), std::string::npos)
      << rule.error().message;

  rule = Rule::parse(repeated("not ", 3000) + "orders > 1", shop());
  ASSERT_FALSE(rule);
  EXPECT_EQ(rule.error().column, 4 * kMaxRuleDepth + 1);
  // 20,000 of them (80 KB) are over the length bound before any parsing.
  rule = Rule::parse(repeated("not ", 20000) + "orders > 1", shop());
  ASSERT_FALSE(rule);
  EXPECT_EQ(rule.error().column, 1u);

  // Mixed: "not (" pairs count together.
  rule = Rule::parse(repeated("not (", 40) + "orders > 1" + repeated(")", 40), shop());
  ASSERT_FALSE(rule);
  EXPECT_EQ(rule.error().column, 5 * 32 + 1);
}

TEST(Rule, LengthAndEncodingAreChecked) {
  std::string flat = "orders > 1";
  while (flat.size() <= kMaxRuleBytes) flat += " or orders > 1";
  auto rule = Rule::parse(flat, shop());
  ASSERT_FALSE(rule);
  EXPECT_EQ(rule.error().column, 1u);
  EXPECT_NE(rule.error().message.find("at most 16384"), std::string::npos);
  // A long flat rule within the limit parses (and quickly: columns are counted once).
  std::string wide = "orders > 1";
  while (wide.size() + 14 <= kMaxRuleBytes) wide += " or orders > 1";
  EXPECT_TRUE(Rule::parse(wide, shop()));

  // Invalid UTF-8 (a lone continuation byte, a truncated sequence) is refused where it starts.
  for (const std::string& bad :
       {std::string("country = 'I\x80R'"), std::string("country = 'ایران' or country = '\xD8'")}) {
    rule = Rule::parse(bad, shop());
    ASSERT_FALSE(rule) << bad;
    EXPECT_NE(rule.error().message.find("not valid UTF-8"), std::string::npos);
  }
  EXPECT_EQ(Rule::parse("country = 'I\x80R'", shop()).error().column, 13u);
  EXPECT_EQ(Rule::parse("country = 'ایران' or country = '\xD8'", shop()).error().column, 33u);
}

TEST(Rule, ListsTheFeaturesItReadsOnce) {
  auto rule = Rule::parse(
      "orders > 1 and (orders < 9 or events('review', 90) > 0) and "
      "events('open') > 2 and consent.email",
      shop());
  ASSERT_TRUE(rule);
  std::vector<std::string> keys;
  for (const Feature& f : rule->features()) keys.push_back(f.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"orders", "events:review:90", "events:open:0",
                                            "consent.email"}));
  EXPECT_EQ(rule->features()[1].event_type, "review");
  EXPECT_EQ(rule->features()[1].days, 90);
}

TEST(Rule, CanonicalTextParsesToTheSameRule) {
  for (const char* text :
       {"orders >= 3 AND last_order_days <= 90 and consent.email and country in ('IR', \"AM\")",
        "not (stage = \"lapsed\") or events('review', 90) >= 1", "country = 'say \\'hi\\''",
        "orders >= 1 or (orders >= 5 and clv > 500)",
        // Found by the fuzzer: a number whose shortest form has an exponent (4.4e+28), which
        // the language cannot read, printed as it was written.
        "clv > 44444444444444444444444444440 or clv < 0.0000001 and clv > 1.50"}) {
    auto rule = Rule::parse(text, shop());
    ASSERT_TRUE(rule) << text;
    auto again = Rule::parse(rule->to_string(), shop());
    ASSERT_TRUE(again) << rule->to_string();
    EXPECT_EQ(again->to_string(), rule->to_string());
  }
  EXPECT_EQ(Rule::parse("orders>=3 AND country IN ('IR','AM')", shop())->to_string(),
            "orders >= 3 and country in (\"IR\", \"AM\")");
  EXPECT_EQ(Rule::parse("clv > 1.50", shop())->to_string(), "clv > 1.5");
}

TEST(Rule, EvaluationChecksItsInputs) {
  auto rule = Rule::parse("orders >= 3 and events('click', 7) > 0", shop());
  ASSERT_TRUE(rule);
  Table t = customers();
  auto missing = rule->evaluate(t);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("events:click:7"), std::string::npos);
  t.columns["events:click:7"] = Column{ValueType::number, {1, 2}};  // wrong length
  EXPECT_FALSE(rule->evaluate(t));
}

}  // namespace
}  // namespace vafa::segments
