#include "vafa/core/json.hpp"

#include <gtest/gtest.h>

namespace vafa {
namespace {

std::string nested(std::string_view open, std::string_view close, std::size_t depth,
                   std::string_view inside = "1") {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) out += open;
  out += inside;
  for (std::size_t i = 0; i < depth; ++i) out += close;
  return out;
}

TEST(Json, ParsesWithinTheBounds) {
  auto doc = parse_json(R"({"a": [1, {"b": "c"}], "d": {"a": 2}})");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["d"]["a"], 2);
  // The same key in different objects is fine, and so is an object reopened at the same depth.
  EXPECT_TRUE(parse_json(R"([{"a": 1}, {"a": 2}, {"a": {"a": 3}}])"));
  EXPECT_TRUE(parse_json(nested("[", "]", kMaxJsonDepth)));
  EXPECT_EQ(json_depth(*parse_json(nested("[", "]", kMaxJsonDepth))), kMaxJsonDepth);
  EXPECT_EQ(json_depth(*parse_json("3")), 0u);
}

// 100,000 objects deep (600 KB) used to end the server in a recursive dump.
TEST(Json, RefusesDeepNestingWhileParsing) {
  for (std::size_t depth : {kMaxJsonDepth + 1, std::size_t{100'000}}) {
    auto doc = parse_json(nested("{\"p\":", "}", depth));
    ASSERT_FALSE(doc) << depth;
    EXPECT_EQ(doc.error().kind, JsonError::Kind::too_deep);
    EXPECT_NE(doc.error().message.find("more than 64 deep"), std::string::npos);
    EXPECT_FALSE(parse_json(nested("[", "]", depth)));
  }
  JsonLimits shallow{.max_depth = 2};
  EXPECT_TRUE(parse_json(R"({"a": [1]})", shallow));
  EXPECT_FALSE(parse_json(R"({"a": [[1]]})", shallow));
}

TEST(Json, RefusesDuplicateKeysAtAnyDepth) {
  for (const char* text : {R"({"points": 1, "points": -5})", R"({"a": {"x": 1, "y": 2, "x": 3}})",
                           R"([{"k": 1}, {"k": 1, "k": 2}])"}) {
    auto doc = parse_json(text);
    ASSERT_FALSE(doc) << text;
    EXPECT_EQ(doc.error().kind, JsonError::Kind::duplicate_key) << text;
    EXPECT_NE(doc.error().message.find("appears twice"), std::string::npos);
  }
  // After an inner object closes, its keys no longer count against the outer one.
  EXPECT_TRUE(parse_json(R"({"a": {"b": 1}, "b": 2})"));
  EXPECT_TRUE(parse_json(R"({"k": 1, "k": 2})", JsonLimits{.allow_duplicate_keys = true}));
}

TEST(Json, SyntaxErrorsSayWhere) {
  auto doc = parse_json("{\n  \"a\": tru\n}");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().kind, JsonError::Kind::syntax);
  EXPECT_EQ(doc.error().line, 2u);
  EXPECT_NE(doc.error().message.find("malformed JSON at line 2"), std::string::npos)
      << doc.error().message;
  auto huge = parse_json("[1e400]");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().kind, JsonError::Kind::unrepresentable);
}

}  // namespace
}  // namespace vafa
