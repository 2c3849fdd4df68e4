#include "vafa/core/json.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace vafa {

namespace {

using Json = nlohmann::json;
using Event = Json::parse_event_t;

// Thrown from the parser's callback to stop at the first bound crossed.
struct Refused {
  JsonError error;
};

// The keys seen in each object still open, and a marker for each array, innermost last.
class Guard {
 public:
  explicit Guard(const JsonLimits& limits) : limits_(limits) {}

  bool operator()(int depth, Event event, Json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (static_cast<std::size_t>(depth) >= limits_.max_depth) {
          throw Refused{{JsonError::Kind::too_deep, 0, 0, 0,
                         fmt::format("the JSON nests objects and arrays more than {} deep",
                                     limits_.max_depth)}};
        }
        open(event == Event::object_start);
        break;
      case Event::object_end:
      case Event::array_end: close(); break;
      case Event::key:
        if (!limits_.allow_duplicate_keys && !open_.empty() && open_.back()) {
          auto& keys = keys_[open_objects_ - 1];
          if (!keys.insert(parsed.get_ref<const std::string&>()).second) {
            throw Refused{{JsonError::Kind::duplicate_key, 0, 0, 0,
                           fmt::format("the key \"{}\" appears twice in one object",
                                       parsed.get_ref<const std::string&>())}};
          }
        }
        break;
      case Event::value: break;
    }
    return true;
  }

 private:
  void open(bool object) {
    open_.push_back(object);
    if (!object) return;
    if (keys_.size() <= open_objects_) keys_.emplace_back();
    keys_[open_objects_++].clear();
  }
  void close() {
    if (open_.empty()) return;
    if (open_.back()) --open_objects_;
    open_.pop_back();
  }

  const JsonLimits& limits_;
  std::vector<bool> open_;  // true: an object
  std::vector<std::unordered_set<std::string>> keys_;
  std::size_t open_objects_ = 0;
};

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

std::expected<Json, JsonError> parse_json(std::string_view text, const JsonLimits& limits) {
  Guard guard(limits);
  try {
    return Json::parse(text, [&guard](int depth, Event event, Json& parsed) {
      return guard(depth, event, parsed);
    });
  } catch (Refused& refused) {
    return std::unexpected(std::move(refused.error));
  } catch (const Json::parse_error& e) {
    const std::size_t byte = std::min<std::size_t>(e.byte, text.size());
    const auto [line, column] = line_and_column(text, byte);
    std::string what = e.what();
    if (const std::size_t at = what.find("syntax error"); at != std::string::npos) {
      what = what.substr(at);
    }
    return std::unexpected(
        JsonError{JsonError::Kind::syntax, byte, line, column,
                  fmt::format("malformed JSON at line {}, column {} (byte {}): {}", line, column,
                              byte, what)});
  } catch (const Json::exception& e) {
    // Well-formed but unrepresentable, e.g. a number beyond a double (1e400).
    std::string what = e.what();
    if (const std::size_t at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    return std::unexpected(JsonError{JsonError::Kind::unrepresentable, 0, 0, 0,
                                     fmt::format("unusable JSON: {}", what)});
  }
}

std::size_t json_depth(const Json& value) {
  std::size_t deepest = 0;
  std::vector<std::pair<const Json*, std::size_t>> pending{{&value, 0}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const Json& child : *node) pending.emplace_back(&child, depth + 1);
  }
  return deepest;
}

}  // namespace vafa
