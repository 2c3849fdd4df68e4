// libFuzzer target for vafa::parse_json (core/json.hpp), the one way JSON from outside enters:
// request bodies and event properties. For any input it ends without recursing past its depth
// bound; what it accepts, nlohmann's own parser accepts as the same document, no deeper than the
// bound, and a dump of it parses back equal; what nlohmann refuses, parse_json refuses too, with
// a message and a position inside the text.
// Build and run: scripts/fuzz [SECONDS] (clang 16, see the script).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vafa/core/json.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const vafa::JsonLimits limits{.max_depth = 16};
  auto parsed = vafa::parse_json(text, limits);
  // nlohmann's parser is iterative, so this is safe at any depth; its result is only compared
  // (recursively) when parse_json bounded the depth.
  const auto plain = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed) {
    const vafa::JsonError& e = parsed.error();
    check(!e.message.empty());
    check(e.byte <= size);
    if (e.kind == vafa::JsonError::Kind::syntax) check(plain.is_discarded());
    return 0;
  }
  check(vafa::json_depth(*parsed) <= limits.max_depth);
  check(!plain.is_discarded());
  check(*parsed == plain);
  const auto again = nlohmann::json::parse(parsed->dump(), nullptr, false);
  check(!again.is_discarded() && again == *parsed);
  return 0;
}
