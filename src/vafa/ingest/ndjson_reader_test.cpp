#include "vafa/ingest/ndjson_reader.hpp"

#include <gtest/gtest.h>

namespace vafa::ingest {
namespace {

TEST(NdjsonReader, MembersAsExactText) {
  auto reader = NdjsonReader::from_string(
      "{\"id\": \"e1\", \"amount\": 12.30, \"n\": -3, \"ok\": true, \"gone\": null,"
      " \"props\": {\"a\": [1, 2]}, \"name\": \"\\u0639\\u0644\\u06cc \\\"x\\\"\"}\n");
  NdjsonRecord record;
  ASSERT_TRUE(*reader.next(record));
  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.line, 1);
  EXPECT_EQ(record.get("id"), "e1");
  EXPECT_EQ(record.get("amount"), "12.30");
  EXPECT_EQ(record.get("n"), "-3");
  EXPECT_EQ(record.get("ok"), "true");
  EXPECT_FALSE(record.has("gone"));
  EXPECT_EQ(record.get("props"), "{\"a\": [1, 2]}");
  EXPECT_EQ(record.get("name"), "\xd8\xb9\xd9\x84\xdb\x8c \"x\"");  // علی "x"
  EXPECT_FALSE(*reader.next(record));
}

TEST(NdjsonReader, BadLinesAreReportedAndSkipped) {
  auto reader = NdjsonReader::from_string(
      "{\"a\":1}\r\n\n[1,2]\n{\"a\": }\n{\"a\":1} x\n\"\xff\"\n{\"b\":2}");
  NdjsonRecord record;
  std::vector<std::pair<std::int64_t, bool>> seen;
  while (*reader.next(record)) seen.emplace_back(record.line, record.error.empty());
  const std::vector<std::pair<std::int64_t, bool>> expected = {{1, true},  {3, false}, {4, false},
                                                               {5, false}, {6, false}, {7, true}};
  EXPECT_EQ(seen, expected);
}

TEST(NdjsonReader, OverLongLine) {
  auto reader =
      NdjsonReader::from_string("{\"a\":\"" + std::string(300, 'x') + "\"}\n{\"a\":2}\n", 100);
  NdjsonRecord record;
  ASSERT_TRUE(*reader.next(record));
  EXPECT_EQ(record.error, "record is longer than 100 bytes");
  ASSERT_TRUE(*reader.next(record));
  EXPECT_EQ(record.line, 2);
  EXPECT_EQ(record.get("a"), "2");
}

}  // namespace
}  // namespace vafa::ingest
