#include "vafa/segments/rule.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <variant>

#include <fmt/format.h>

#include "vafa/core/text.hpp"

namespace vafa::segments {

std::string_view type_id(ValueType type) {
  return type == ValueType::boolean ? "boolean" : to_string(type);
}

std::string_view to_string(ValueType type) {
  switch (type) {
    case ValueType::number: return "number";
    case ValueType::text: return "text";
    case ValueType::boolean: return "true/false";
  }
  return "?";
}

Error RuleError::to_error() const {
  return Error{ErrorCode::invalid_argument, fmt::format("column {}: {}", column, message), column};
}

// ---- Syntax tree -------------------------------------------------------------------------------

enum class Op { eq, ne, lt, le, gt, ge };

struct Operand {
  ValueType type = ValueType::number;
  std::size_t column = 0;
  std::string feature;     // empty: a literal
  std::string event_type;  // events(type, days): the feature "events:type:days"
  int days = 0;
  double number = 0;
  std::string text;
  bool flag = false;
};

struct Rule::Node {
  enum class Kind { any, all, negate, compare, in, test } kind;
  std::vector<std::shared_ptr<const Node>> children;  // any, all, negate
  Operand lhs, rhs;                                   // compare (lhs only for in and test)
  Op op = Op::eq;
  std::vector<Operand> list;  // in
  bool negated_in = false;
  bool parenthesised = false;
};

namespace {

using Node = Rule::Node;
using NodePtr = std::shared_ptr<const Node>;

// ---- Tokens ------------------------------------------------------------------------------------

enum class Tok { end, name, number, text, lparen, rparen, comma, dot, op };

struct Token {
  Tok kind = Tok::end;
  std::string text;  // name (as written), string contents, operator, number literal
  double number = 0;
  std::size_t column = 0;
};

bool is_name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// 1-based character columns of byte offsets (UTF-8 continuation bytes do not count). The
// tokenizer asks for offsets in increasing order, so each byte is counted once.
class Columns {
 public:
  explicit Columns(std::string_view text) : text_(text) {}
  std::size_t of(std::size_t at) {
    if (at < byte_) byte_ = 0, column_ = 1;
    for (; byte_ < at && byte_ < text_.size(); ++byte_) {
      if ((static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80) ++column_;
    }
    return column_;
  }

 private:
  std::string_view text_;
  std::size_t byte_ = 0;
  std::size_t column_ = 1;
};

// The byte offset of the first byte that is not part of valid UTF-8 (text.size() if none).
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = c < 0x80           ? 1
                               : (c >> 5) == 0x6  ? 2
                               : (c >> 4) == 0xE  ? 3
                               : (c >> 3) == 0x1E ? 4
                                                  : 0;
    if (length == 0 || i + length > text.size() || !is_valid_utf8(text.substr(i, length))) {
      return i;
    }
    i += length;
  }
  return i;
}

// Persian (۰-۹) and Arabic-Indic (٠-٩) digits, and the Arabic decimal separator (٫), written
// as ASCII outside strings: "orders >= ۳" is "orders >= 3". One character each way, so columns
// stay where they were.
std::string ascii_digits(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (quote != 0 && c == '\\' && i + 1 < s.size()) {
      out += c;
      out += s[++i];
      continue;
    } else if (quote != 0 && c == quote) {
      quote = 0;
    }
    if (quote == 0 && i + 1 < s.size()) {
      const auto b0 = static_cast<unsigned char>(c);
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      // U+06F0..U+06F9 is DB B0..DB B9; U+0660..U+0669 is D9 A0..D9 A9; U+066B is D9 AB.
      if (b0 == 0xDB && b1 >= 0xB0 && b1 <= 0xB9) {
        out += static_cast<char>('0' + (b1 - 0xB0));
        ++i;
        continue;
      }
      if (b0 == 0xD9 && b1 >= 0xA0 && b1 <= 0xA9) {
        out += static_cast<char>('0' + (b1 - 0xA0));
        ++i;
        continue;
      }
      if (b0 == 0xD9 && b1 == 0xAB) {
        out += '.';
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::expected<std::vector<Token>, RuleError> tokenize(std::string_view original) {
  const std::string normalised = ascii_digits(original);
  const std::string_view s = normalised;
  std::vector<Token> out;
  std::size_t i = 0;
  Columns columns(s);
  auto error = [&](std::size_t at, std::string message, std::string code = {},
                   std::vector<std::pair<std::string, std::string>> args = {}) {
    return std::unexpected(
        RuleError{columns.of(at), std::move(message), std::move(code), std::move(args)});
  };
  if (s.size() > kMaxRuleBytes) {
    return error(0, fmt::format("the rule is {} bytes long; a rule may have at most {}", s.size(),
                                kMaxRuleBytes));
  }
  if (const std::size_t bad = first_invalid_utf8(s); bad < s.size()) {
    return error(bad, "the rule is not valid UTF-8 text here");
  }
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    Token t;
    t.column = columns.of(i);
    const std::size_t start = i;
    if (c == '(' || c == ')' || c == ',' || c == '.') {
      t.kind = c == '(' ? Tok::lparen : c == ')' ? Tok::rparen : c == ',' ? Tok::comma : Tok::dot;
      // A dot followed by a digit starts a number (".5").
      if (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
        return error(i, "write numbers with a leading digit (0.5, not .5)");
      }
      t.text = std::string(1, static_cast<char>(c));
      ++i;
    } else if (c == '"' || c == '\'') {
      t.kind = Tok::text;
      ++i;
      while (true) {
        if (i >= s.size()) return error(start, "this string is not closed", "unclosed_string");
        if (s[i] == '\\' && i + 1 < s.size() &&
            (s[i + 1] == static_cast<char>(c) || s[i + 1] == '\\')) {
          t.text += s[i + 1];
          i += 2;
        } else if (s[i] == static_cast<char>(c)) {
          ++i;
          break;
        } else {
          t.text += s[i++];
        }
      }
    } else if (std::isdigit(c) || (c == '-' && i + 1 < s.size() &&
                                   std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      t.kind = Tok::number;
      std::size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      const auto [end, ec] = std::from_chars(s.data() + i, s.data() + j, t.number);
      if (ec != std::errc() || end != s.data() + j || !std::isfinite(t.number)) {
        return error(i, fmt::format("'{}' is not a number", s.substr(i, j - i)));
      }
      if (j < s.size() && is_name_char(static_cast<unsigned char>(s[j]))) {
        return error(j, fmt::format("unexpected '{}' after the number", s[j]));
      }
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (is_name_start(c)) {
      t.kind = Tok::name;
      std::size_t j = i + 1;
      while (j < s.size() && is_name_char(static_cast<unsigned char>(s[j]))) ++j;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      t.kind = Tok::op;
      const bool two = i + 1 < s.size() && s[i + 1] == '=';
      t.text = std::string(s.substr(i, two ? 2 : 1));
      if (t.text == "!") return error(i, "'!' alone is not an operator: use != or not");
      i += two ? 2 : 1;
    } else {
      return error(i, fmt::format("unexpected character '{}'", s.substr(i, 1)), "unexpected_char",
                   {{"char", std::string(s.substr(i, 1))}});
    }
    out.push_back(std::move(t));
  }
  out.push_back(Token{Tok::end, "", 0, columns.of(s.size())});
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool is_keyword(const Token& t, std::string_view word) {
  return t.kind == Tok::name && lower(t.text) == word;
}

// Edit distance, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// ---- Parser ------------------------------------------------------------------------------------

class Parser {
 public:
  Parser(std::vector<Token> tokens, const Schema& schema, std::vector<Feature>& features)
      : t_(std::move(tokens)), schema_(schema), features_(features) {}

  std::expected<NodePtr, RuleError> rule() {
    if (peek().kind == Tok::end) return fail_at(peek(), "the rule is empty", "empty", {});
    auto node = any();
    if (!node) return node;
    if (peek().kind != Tok::end) {
      return fail_at(
          peek(),
          fmt::format("expected 'and', 'or' or the end of the rule, found {}", describe(peek())),
          "expected_operator", {{"found", found(peek())}});
    }
    return node;
  }

 private:
  const Token& peek() const { return t_[pos_]; }
  const Token& next() { return t_[pos_ == t_.size() - 1 ? pos_ : pos_++]; }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::end: return "the end of the rule";
      case Tok::text: return fmt::format("\"{}\"", t.text);
      default: return fmt::format("'{}'", t.text);
    }
  }
  static std::unexpected<RuleError> fail_at(const Token& t, std::string message) {
    return std::unexpected(RuleError{t.column, std::move(message)});
  }
  static std::unexpected<RuleError> fail_at(const Token& t, std::string message, std::string code,
                                            std::vector<std::pair<std::string, std::string>> args) {
    return std::unexpected(
        RuleError{t.column, std::move(message), std::move(code), std::move(args)});
  }
  // The token as the "found" value of a coded error: empty for the end of the rule.
  static std::string found(const Token& t) { return t.kind == Tok::end ? "" : t.text; }

  std::expected<NodePtr, RuleError> list(Node::Kind kind, std::string_view keyword) {
    auto first = kind == Node::Kind::any ? list(Node::Kind::all, "and") : unary();
    if (!first) return first;
    if (!is_keyword(peek(), keyword)) return first;
    auto node = std::make_shared<Node>(Node{kind});
    node->children.push_back(*first);
    while (is_keyword(peek(), keyword)) {
      next();
      auto more = kind == Node::Kind::any ? list(Node::Kind::all, "and") : unary();
      if (!more) return more;
      node->children.push_back(*more);
    }
    return node;
  }
  std::expected<NodePtr, RuleError> any() { return list(Node::Kind::any, "or"); }

  // Parentheses and "not" nest by recursion: each level is counted, and a rule deeper than
  // kMaxRuleDepth is refused at the token that would go deeper (a stack has its end).
  struct Deeper {
    explicit Deeper(std::size_t& depth) : depth_(depth) { ++depth_; }
    ~Deeper() { --depth_; }
    Deeper(const Deeper&) = delete;
    Deeper& operator=(const Deeper&) = delete;
    std::size_t& depth_;
  };
  std::optional<RuleError> too_deep(const Token& at) const {
    if (depth_ < kMaxRuleDepth) return std::nullopt;
    return RuleError{at.column, fmt::format("the rule nests parentheses and 'not' more than {} "
                                            "deep here; write it flatter",
                                            kMaxRuleDepth)};
  }

  std::expected<NodePtr, RuleError> unary() {
    if (is_keyword(peek(), "not")) {
      if (auto error = too_deep(peek())) return std::unexpected(*error);
      const Deeper deeper(depth_);
      next();
      auto inner = unary();
      if (!inner) return inner;
      auto node = std::make_shared<Node>(Node{Node::Kind::negate});
      node->children.push_back(*inner);
      return node;
    }
    return atom();
  }

  std::expected<NodePtr, RuleError> atom() {
    if (peek().kind == Tok::lparen) {
      if (auto error = too_deep(peek())) return std::unexpected(*error);
      const Deeper deeper(depth_);
      const Token open = next();
      auto inner = any();
      if (!inner) return inner;
      if (peek().kind != Tok::rparen) {
        return fail_at(peek(),
                       fmt::format("expected ')' to close the '(' at column {}, found {}",
                                   open.column, describe(peek())),
                       "unclosed_paren",
                       {{"open", std::to_string(open.column)}, {"found", found(peek())}});
      }
      next();
      auto copy = std::make_shared<Node>(**inner);
      copy->parenthesised = true;
      return copy;
    }
    auto lhs = operand();
    if (!lhs) return std::unexpected(lhs.error());
    // operand in (...), operand not in (...)
    const bool negated = is_keyword(peek(), "not") && is_keyword(t_[pos_ + 1], "in");
    if (negated || is_keyword(peek(), "in")) {
      if (negated) next();
      next();
      return in_list(*lhs, negated);
    }
    if (peek().kind != Tok::op) {
      if (lhs->type != ValueType::boolean) {
        return std::unexpected(RuleError{
            lhs->column,
            fmt::format("{} is a {}, not a condition: compare it (for example with >= or =)",
                        lhs->feature.empty() ? "this value" : "'" + lhs->feature + "'",
                        to_string(lhs->type))});
      }
      auto node = std::make_shared<Node>(Node{Node::Kind::test});
      node->lhs = *lhs;
      return node;
    }
    const Token op = next();
    auto rhs = operand();
    if (!rhs) return std::unexpected(rhs.error());
    if (lhs->type != rhs->type) {
      return fail_at(
          op,
          fmt::format("cannot compare a {} with a {}", to_string(lhs->type), to_string(rhs->type)),
          "cannot_compare",
          {{"left", std::string(type_id(lhs->type))}, {"right", std::string(type_id(rhs->type))}});
    }
    auto node = std::make_shared<Node>(Node{Node::Kind::compare});
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"=", Op::eq},  {"==", Op::eq}, {"!=", Op::ne}, {"<", Op::lt},
        {"<=", Op::le}, {">", Op::gt},  {">=", Op::ge}};
    for (const auto& [text, value] : kOps) {
      if (op.text == text) node->op = value;
    }
    if (node->op != Op::eq && node->op != Op::ne && lhs->type != ValueType::number) {
      return fail_at(op, fmt::format("'{}' orders numbers; {} values can only be compared with = "
                                     "or !=",
                                     op.text, to_string(lhs->type)));
    }
    if (auto known = closed_value(*lhs, *rhs); !known) return std::unexpected(known.error());
    node->lhs = *lhs;
    node->rhs = *rhs;
    return node;
  }

  // A text attribute with a closed set of values compared with a literal: the literal becomes
  // the stored value it names ("VIP" -> "vip", "at risk" -> "at_risk"), or the rule is refused
  // with the values there are.
  std::expected<void, RuleError> closed_value(const Operand& attribute, Operand& value) const {
    if (attribute.feature.empty() || !value.feature.empty() || value.type != ValueType::text) {
      return {};
    }
    const auto values = schema_.values.find(attribute.feature);
    if (values == schema_.values.end()) return {};
    auto key = [](std::string_view text) {
      std::string k;
      for (const char c : text) {
        k += c == ' ' || c == '-' ? '_'
                                  : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      return k;
    };
    const std::string wanted = key(value.text);
    for (const std::string& v : values->second) {
      if (key(v) == wanted) {
        value.text = v;
        return {};
      }
    }
    std::string list;
    for (const std::string& v : values->second) list += (list.empty() ? "" : ", ") + v;
    return std::unexpected(
        RuleError{value.column,
                  fmt::format("'{}' is not a value of {}; its values are: {}", value.text,
                              attribute.feature, list),
                  "unknown_value",
                  {{"value", value.text}, {"name", attribute.feature}, {"values", list}}});
  }

  std::expected<NodePtr, RuleError> in_list(const Operand& lhs, bool negated) {
    if (peek().kind != Tok::lparen) {
      return fail_at(peek(), fmt::format("expected '(' and a list of values after 'in', found {}",
                                         describe(peek())));
    }
    next();
    auto node = std::make_shared<Node>(Node{Node::Kind::in});
    node->lhs = lhs;
    node->negated_in = negated;
    while (true) {
      auto value = operand();
      if (!value) return std::unexpected(value.error());
      if (!value->feature.empty()) {
        return std::unexpected(
            RuleError{value->column, "the list after 'in' holds values, not attributes"});
      }
      if (value->type != lhs.type) {
        return std::unexpected(RuleError{
            value->column, fmt::format("this list is compared with a {}, but this value is a {}",
                                       to_string(lhs.type), to_string(value->type))});
      }
      if (auto known = closed_value(lhs, *value); !known) return std::unexpected(known.error());
      node->list.push_back(*value);
      if (peek().kind == Tok::comma) {
        next();
        continue;
      }
      if (peek().kind == Tok::rparen) {
        next();
        return node;
      }
      return fail_at(peek(),
                     fmt::format("expected ',' or ')' in the list, found {}", describe(peek())));
    }
  }

  std::expected<Operand, RuleError> operand() {
    const Token& t = peek();
    Operand out;
    out.column = t.column;
    if (t.kind == Tok::number) {
      next();
      out.type = ValueType::number;
      out.number = t.number;
      out.text = t.text;  // as written, for printing numbers that need an exponent
      return out;
    }
    if (t.kind == Tok::text) {
      next();
      out.type = ValueType::text;
      out.text = t.text;
      return out;
    }
    if (t.kind != Tok::name) {
      return std::unexpected(
          RuleError{t.column,
                    fmt::format("expected a name or a value, found {}", describe(t)),
                    "expected_value",
                    {{"found", found(t)}}});
    }
    if (is_keyword(t, "true") || is_keyword(t, "false")) {
      next();
      out.type = ValueType::boolean;
      out.flag = is_keyword(t, "true");
      return out;
    }
    for (std::string_view reserved : {"and", "or", "not", "in"}) {
      if (is_keyword(t, reserved)) {
        return std::unexpected(
            RuleError{t.column,
                      fmt::format("expected a name or a value, found the keyword '{}'", reserved),
                      "expected_value",
                      {{"found", std::string(reserved)}}});
      }
    }
    if (is_keyword(t, "events") && t_[pos_ + 1].kind == Tok::lparen) return events();
    std::string name = next().text;
    while (peek().kind == Tok::dot) {
      next();
      if (peek().kind != Tok::name) {
        return fail_at(peek(),
                       fmt::format("expected a name after '.', found {}", describe(peek())));
      }
      name += "." + next().text;
    }
    const auto found = schema_.attributes.find(name);
    if (found == schema_.attributes.end()) {
      std::string best;
      std::size_t best_distance = 3;  // suggest only close names
      for (const auto& [known, type] : schema_.attributes) {
        const std::size_t d = distance(lower(name), lower(known));
        if (d < best_distance) {
          best_distance = d;
          best = known;
        }
      }
      return std::unexpected(RuleError{
          t.column,
          best.empty() ? fmt::format("unknown name '{}'", name)
                       : fmt::format("unknown name '{}' (did you mean '{}'?)", name, best),
          "unknown_name",
          {{"name", name}, {"suggestion", best}}});
    }
    out.type = found->second;
    out.feature = name;
    add_feature(Feature{name, out.type, "", 0});
    return out;
  }

  std::expected<Operand, RuleError> events() {
    const Token& start = next();
    next();  // (
    if (peek().kind != Tok::text) {
      return fail_at(peek(), fmt::format("events( takes the event type as a string, as in "
                                         "events(\"review\", 90); found {}",
                                         describe(peek())));
    }
    const std::string type = next().text;
    if (type.empty()) return fail_at(start, "the event type is empty");
    int days = 0;
    if (peek().kind == Tok::comma) {
      next();
      const Token& d = peek();
      if (d.kind != Tok::number || d.number < 1 || d.number != std::floor(d.number) ||
          d.number > 36500) {
        return fail_at(d, "the window is a whole number of days from 1 to 36500");
      }
      days = static_cast<int>(next().number);
    }
    if (peek().kind != Tok::rparen) {
      return fail_at(peek(),
                     fmt::format("expected ')' after events(...), found {}", describe(peek())));
    }
    next();
    Operand out;
    out.column = start.column;
    out.type = ValueType::number;
    out.feature = fmt::format("events:{}:{}", type, days);
    out.event_type = type;
    out.days = days;
    add_feature(Feature{out.feature, ValueType::number, type, days});
    return out;
  }

  void add_feature(Feature f) {
    const bool seen = std::any_of(features_.begin(), features_.end(),
                                  [&](const Feature& g) { return g.key == f.key; });
    if (!seen) features_.push_back(std::move(f));
  }

  std::vector<Token> t_;
  std::size_t pos_ = 0;
  const Schema& schema_;
  std::size_t depth_ = 0;
  std::vector<Feature>& features_;
};

// ---- Printing ----------------------------------------------------------------------------------

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string print(const Operand& o) {
  if (!o.event_type.empty()) {
    return o.days == 0 ? fmt::format("events({})", quote(o.event_type))
                       : fmt::format("events({}, {})", quote(o.event_type), o.days);
  }
  if (!o.feature.empty()) return o.feature;
  switch (o.type) {
    case ValueType::number: {
      // The shortest form, unless it takes an exponent, which the language does not read
      // (4.4e+28): then the number as it was written.
      std::string shortest = fmt::format("{}", o.number);
      if (shortest.find_first_of("eE") == std::string::npos || o.text.empty()) return shortest;
      return o.text;
    }
    case ValueType::text: return quote(o.text);
    case ValueType::boolean: return o.flag ? "true" : "false";
  }
  return "?";
}

std::string print(const Node& n) {
  std::string out;
  switch (n.kind) {
    case Node::Kind::any:
    case Node::Kind::all:
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += n.kind == Node::Kind::any ? " or " : " and ";
        out += print(*n.children[i]);
      }
      break;
    case Node::Kind::negate: out = "not " + print(*n.children[0]); break;
    case Node::Kind::test: out = print(n.lhs); break;
    case Node::Kind::compare: {
      static constexpr std::string_view kText[] = {"=", "!=", "<", "<=", ">", ">="};
      out = fmt::format("{} {} {}", print(n.lhs), kText[static_cast<int>(n.op)], print(n.rhs));
      break;
    }
    case Node::Kind::in: {
      out = print(n.lhs) + (n.negated_in ? " not in (" : " in (");
      for (std::size_t i = 0; i < n.list.size(); ++i) out += (i ? ", " : "") + print(n.list[i]);
      out += ")";
      break;
    }
  }
  return n.parenthesised ? "(" + out + ")" : out;
}

// ---- Evaluation --------------------------------------------------------------------------------

using Flags = std::vector<std::uint8_t>;

struct Evaluator {
  const Table& table;

  Result<const Column*> column(const Operand& o) const {
    const auto it = table.columns.find(o.feature);
    if (it == table.columns.end()) {
      return fail(ErrorCode::not_found, "no input column for '{}'", o.feature);
    }
    const Column& c = it->second;
    const std::size_t size = c.type == ValueType::number ? c.numbers.size()
                             : c.type == ValueType::text ? c.texts.size()
                                                         : c.flags.size();
    if (c.type != o.type || size != table.rows ||
        (!c.missing.empty() && c.missing.size() != table.rows)) {
      return fail(ErrorCode::internal, "the input column for '{}' has the wrong type or length",
                  o.feature);
    }
    return &c;
  }

  bool missing(const Column* c, std::size_t i) const {
    if (c == nullptr) return false;
    if (c->type == ValueType::number) return std::isnan(c->numbers[i]);
    return !c->missing.empty() && c->missing[i] != 0;
  }

  // lhs op rhs for every row, each side a column or a literal; rows missing a value stay 0.
  Result<Flags> compare(const Node& n) const {
    Flags out(table.rows, 0);
    const Column* l = nullptr;
    const Column* r = nullptr;
    if (!n.lhs.feature.empty()) {
      VAFA_TRY(l, column(n.lhs));
    }
    if (!n.rhs.feature.empty()) {
      VAFA_TRY(r, column(n.rhs));
    }
    auto test = [&](auto value_l, auto value_r) {
      for (std::size_t i = 0; i < table.rows; ++i) {
        if (missing(l, i) || missing(r, i)) continue;
        const auto a = value_l(i);
        const auto b = value_r(i);
        bool hit = false;
        switch (n.op) {
          case Op::eq: hit = a == b; break;
          case Op::ne: hit = a != b; break;
          case Op::lt: hit = a < b; break;
          case Op::le: hit = a <= b; break;
          case Op::gt: hit = a > b; break;
          case Op::ge: hit = a >= b; break;
        }
        out[i] = hit ? 1 : 0;
      }
    };
    switch (n.lhs.type) {
      case ValueType::number:
        test([&](std::size_t i) { return l ? l->numbers[i] : n.lhs.number; },
             [&](std::size_t i) { return r ? r->numbers[i] : n.rhs.number; });
        break;
      case ValueType::text:
        test([&](std::size_t i) -> std::string_view { return l ? l->texts[i] : n.lhs.text; },
             [&](std::size_t i) -> std::string_view { return r ? r->texts[i] : n.rhs.text; });
        break;
      case ValueType::boolean:
        test([&](std::size_t i) { return l ? l->flags[i] != 0 : n.lhs.flag; },
             [&](std::size_t i) { return r ? r->flags[i] != 0 : n.rhs.flag; });
        break;
    }
    return out;
  }

  Result<Flags> in(const Node& n) const {
    Flags out(table.rows, 0);
    const Column* c = nullptr;
    if (!n.lhs.feature.empty()) {
      VAFA_TRY(c, column(n.lhs));
    }
    for (std::size_t i = 0; i < table.rows; ++i) {
      if (missing(c, i)) continue;
      bool hit = false;
      for (const Operand& v : n.list) {
        switch (n.lhs.type) {
          case ValueType::number:
            hit = hit || (c ? c->numbers[i] : n.lhs.number) == v.number;
            break;
          case ValueType::text:
            hit =
                hit || (c ? std::string_view(c->texts[i]) : std::string_view(n.lhs.text)) == v.text;
            break;
          case ValueType::boolean:
            hit = hit || ((c ? c->flags[i] != 0 : n.lhs.flag) == v.flag);
            break;
        }
      }
      out[i] = hit != n.negated_in ? 1 : 0;
    }
    return out;
  }

  Result<Flags> eval(const Node& n) const {
    switch (n.kind) {
      case Node::Kind::any:
      case Node::Kind::all: {
        VAFA_TRY(Flags out, eval(*n.children[0]));
        for (std::size_t k = 1; k < n.children.size(); ++k) {
          VAFA_TRY(const Flags more, eval(*n.children[k]));
          for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = n.kind == Node::Kind::any ? (out[i] | more[i]) : (out[i] & more[i]);
          }
        }
        return out;
      }
      case Node::Kind::negate: {
        VAFA_TRY(Flags out, eval(*n.children[0]));
        for (auto& f : out) f = f ? 0 : 1;
        return out;
      }
      case Node::Kind::test: {
        if (n.lhs.feature.empty()) return Flags(table.rows, n.lhs.flag ? 1 : 0);
        VAFA_TRY(const Column* c, column(n.lhs));
        Flags out(table.rows, 0);
        for (std::size_t i = 0; i < table.rows; ++i) out[i] = !missing(c, i) && c->flags[i] ? 1 : 0;
        return out;
      }
      case Node::Kind::compare: return compare(n);
      case Node::Kind::in: return in(n);
    }
    return fail(ErrorCode::internal, "unknown rule node");
  }
};

}  // namespace

std::expected<Rule, RuleError> Rule::parse(std::string_view text, const Schema& schema) {
  auto tokens = tokenize(text);
  if (!tokens) return std::unexpected(tokens.error());
  Rule rule;
  Parser parser(std::move(*tokens), schema, rule.features_);
  auto root = parser.rule();
  if (!root) return std::unexpected(root.error());
  rule.root_ = *root;
  return rule;
}

std::string Rule::to_string() const { return root_ ? print(*root_) : ""; }

Result<std::vector<std::uint8_t>> Rule::evaluate(const Table& table) const {
  if (!root_) return fail(ErrorCode::internal, "evaluating an empty rule");
  return Evaluator{table}.eval(*root_);
}

}  // namespace vafa::segments
