#include "vafa/core/text.hpp"

#include <gtest/gtest.h>

namespace vafa {
namespace {

TEST(Text, ValidatesUtf8) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("وفا Հայերեն"));
  EXPECT_FALSE(is_valid_utf8("\xff\xfe"));
  EXPECT_FALSE(is_valid_utf8("abc\xc3"));  // truncated sequence
}

TEST(Text, DisplayNames) {
  EXPECT_TRUE(is_display_name("loyal customers"));
  EXPECT_TRUE(is_display_name("مشتریان وفادار"));
  EXPECT_TRUE(is_display_name(std::string(100, 'n')));
  EXPECT_FALSE(is_display_name(""));
  EXPECT_FALSE(is_display_name(std::string(101, 'n')));
  EXPECT_FALSE(is_display_name("tab\there"));
  EXPECT_FALSE(is_display_name("del\x7f"));
  EXPECT_FALSE(is_display_name("\xff\xfe"));  // not UTF-8
}

TEST(Text, TrimsAndLowers) {
  EXPECT_EQ(trim("  a b \r\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(to_lower_ascii("Ali@Example.COM"), "ali@example.com");
}

TEST(Text, HashIsStable) {
  EXPECT_EQ(hash64("vafa"), hash64("vafa"));
  EXPECT_NE(hash64("vafa"), hash64("vafa", 1));
  EXPECT_NE(hash64("a|b"), hash64("ab|"));
}

TEST(Text, AppendCsvFieldQuotesOnlyWhenNeeded) {
  std::string out;
  append_csv_field(out, "plain");
  out.push_back(',');
  append_csv_field(out, "a,b");
  out.push_back(',');
  append_csv_field(out, "say \"hi\"");
  out.push_back(',');
  append_csv_field(out, "two\nlines");
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"");
}

}  // namespace
}  // namespace vafa
