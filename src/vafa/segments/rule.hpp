// The segment rule language: a condition over customer attributes, computed metrics, event
// counts and consent, e.g.
//
//   orders >= 3 and last_order_days <= 90 and consent.email and country in ("IR", "AM")
//   not (stage = "lapsed") or events("review", 90) >= 1
//
// Grammar (keywords are case-insensitive):
// clang-format off
//   rule     := or
//   or       := and ("or" and)*
//   and      := unary ("and" unary)*
//   unary    := "not" unary | atom
//   atom     := "(" or ")"
//             | operand [compare operand | ["not"] "in" "(" literal ("," literal)* ")"]
//   operand  := number | string | "true" | "false" | name ("." name)* | events
//   events   := "events" "(" string ["," number] ")"  -- events of a type in the last N days
//   compare  := "=" | "==" | "!=" | "<" | "<=" | ">" | ">="
// clang-format on
//
// A rule is parsed and checked against a Schema (which names exist and their types); errors give
// the 1-based column (in characters, not bytes) where the problem starts. A checked rule lists the
// inputs it reads (features) and is evaluated over a column table, all customers at once. A
// comparison with a missing value is false (so is its "!="); "not" negates the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"

namespace vafa::segments {

enum class ValueType { number, text, boolean };
std::string_view to_string(ValueType type);  // for messages: "number", "text", "true/false"
std::string_view type_id(ValueType type);    // for programs: "number", "text", "boolean"

// The names a rule may use and their types ("orders": number, "consent.email": boolean, ...).
// Event counts need no entry: events("type", days) is always a number.
struct Schema {
  std::map<std::string, ValueType, std::less<>> attributes;
  // The values a text attribute can have, when they are a closed set (stage, advocacy ...): a
  // rule's value is matched to one of them whatever its case and with spaces or dashes for
  // underscores ("VIP", "at risk"), or refused with the list.
  std::map<std::string, std::vector<std::string>, std::less<>> values;
};

// The bounds of a rule: its length, and how deep parentheses and "not" may nest (the parser
// recurses per level). Beyond them the rule is refused with the usual column-accurate error.
inline constexpr std::size_t kMaxRuleBytes = 16 * 1024;
inline constexpr std::size_t kMaxRuleDepth = 64;

// What is wrong with a rule, and where: column is 1-based, in characters.
struct RuleError {
  std::size_t column = 0;
  std::string message;
  // What went wrong as a word and its values, for a page that says it in the reader's language
  // ("unknown_name" with name and suggestion ...); empty for the rarer errors, whose message
  // is all there is. docs/analytics.md (Segments) lists the codes.
  std::string code;
  std::vector<std::pair<std::string, std::string>> args;
  Error to_error() const;  // invalid_argument, "column N: message"
};

// An input a rule reads: an attribute, or the count of one event type in a window
// (key "events:TYPE:DAYS", days 0 = all time).
struct Feature {
  std::string key;
  ValueType type;
  std::string event_type;  // for event counts
  int days = 0;
};

// One input column for all customers: numbers (NaN = missing), texts or flags, by type.
struct Column {
  ValueType type = ValueType::number;
  std::vector<double> numbers;
  std::vector<std::string> texts;
  std::vector<std::uint8_t> flags;
  std::vector<std::uint8_t> missing;  // empty: nothing missing (texts and flags)
};

// The inputs, keyed by Feature::key, each with `rows` values.
struct Table {
  std::size_t rows = 0;
  std::map<std::string, Column, std::less<>> columns;
};

class Rule {
 public:
  struct Node;

  static std::expected<Rule, RuleError> parse(std::string_view text, const Schema& schema);

  const std::vector<Feature>& features() const { return features_; }
  // The rule in a canonical form (lower-case keywords, single spaces, parentheses kept).
  std::string to_string() const;
  // One flag per row: 1 where the rule holds. Errors when a feature's column is missing, has
  // the wrong type or the wrong length.
  Result<std::vector<std::uint8_t>> evaluate(const Table& table) const;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<Feature> features_;
};

}  // namespace vafa::segments
