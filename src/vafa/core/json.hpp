// JSON from outside (request bodies, stored event properties): parsed with explicit bounds
// before anything recursive can touch it. nlohmann's parser is iterative, but dumping, comparing
// and copying a document recurse once per level, so a body that nests 100,000 objects deep
// (600 KB) would end the process later; and a duplicate key would silently keep only the last
// value. parse_json refuses both while parsing, through the parser's callback.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vafa {

inline constexpr std::size_t kMaxJsonDepth = 64;

struct JsonLimits {
  std::size_t max_depth = kMaxJsonDepth;  // objects and arrays nested in one another
  bool allow_duplicate_keys = false;
};

struct JsonError {
  enum class Kind { syntax, too_deep, duplicate_key, unrepresentable } kind;
  std::size_t byte = 0;    // where the parser stopped (syntax); 0 when not known
  std::size_t line = 0;    // 1-based, from byte (syntax); 0 when not known
  std::size_t column = 0;  // 1-based, in bytes
  std::string message;     // says what and, where known, where
};

std::expected<nlohmann::json, JsonError> parse_json(std::string_view text,
                                                    const JsonLimits& limits = {});

// The nesting depth of a document (a scalar is 0, {} and [] are 1), without recursion.
std::size_t json_depth(const nlohmann::json& value);

}  // namespace vafa
