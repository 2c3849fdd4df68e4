// libFuzzer target for the segment rule language (segments/rule.hpp), which reads rules from
// dashboard readers (GET /api/v1/segments/preview?rule=...), writers and the CLI. For any input:
// parsing ends (no recursion past kMaxRuleDepth), an error points at a column inside the rule or
// one past its end, a rule that parses prints a canonical form that parses to itself, and
// evaluating it over a small table of every feature it names gives one flag per row.
// Build and run: scripts/fuzz [SECONDS] (clang 16, see the script).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vafa/core/text.hpp"
#include "vafa/segments/rule.hpp"

namespace {

using namespace vafa::segments;

void check(bool ok) {
  if (!ok) std::abort();
}

const Schema& schema() {
  static const Schema s{.attributes = {{"orders", ValueType::number},
                                       {"last_order_days", ValueType::number},
                                       {"clv", ValueType::number},
                                       {"country", ValueType::text},
                                       {"stage", ValueType::text},
                                       {"consent.email", ValueType::boolean},
                                       {"consent.sms", ValueType::boolean}}};
  return s;
}

// Three rows of every feature the rule reads, one of them missing.
Table table_for(const Rule& rule) {
  Table t{.rows = 3};
  for (const Feature& f : rule.features()) {
    Column c{.type = f.type, .missing = {0, 0, 1}};
    if (f.type == ValueType::number) c.numbers = {0, 3.5, NAN};
    if (f.type == ValueType::text) c.texts = {"IR", "آریا", ""};
    if (f.type == ValueType::boolean) c.flags = {1, 0, 0};
    t.columns[f.key] = std::move(c);
  }
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rule = Rule::parse(text, schema());
  if (!rule) {
    const RuleError& e = rule.error();
    check(e.column >= 1 && !e.message.empty());
    // A column counts characters of valid UTF-8, so it can never pass the byte count + 1.
    check(e.column <= size + 1);
    return 0;
  }
  check(size <= kMaxRuleBytes);
  check(vafa::is_valid_utf8(text));
  const std::string canonical = rule->to_string();
  // (The canonical form adds spaces, so a rule near the length bound may print longer.)
  if (canonical.size() <= kMaxRuleBytes) {
    auto again = Rule::parse(canonical, schema());
    check(again.has_value());
    check(again->to_string() == canonical);
  }
  const auto flags = rule->evaluate(table_for(*rule));
  check(flags.has_value() && flags->size() == 3);
  for (const std::uint8_t flag : *flags) check(flag <= 1);
  return 0;
}
