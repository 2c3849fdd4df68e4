#include "vafa/ingest/csv_reader.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vafa::ingest {
namespace {

using ::testing::ElementsAre;

struct Read {
  std::int64_t line;
  std::vector<std::string> fields;
  std::string error;
  std::string raw;
};

std::vector<Read> read_all(CsvReader reader) {
  std::vector<Read> out;
  CsvRecord record;
  while (true) {
    auto more = reader.next(record);
    EXPECT_TRUE(more.has_value());
    if (!more || !*more) break;
    out.push_back({record.line,
                   {record.fields.begin(), record.fields.end()},
                   record.error,
                   std::string(record.raw)});
  }
  return out;
}

std::vector<Read> read_string(std::string text, CsvDialect dialect = {}) {
  return read_all(CsvReader::from_string(std::move(text), dialect));
}

TEST(CsvReader, PlainRecordsWithLineNumbers) {
  auto rows = read_string("a,b,c\n1,2,3\n\n4,,6\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].line, 4);  // the blank line 3 is skipped but counted
  EXPECT_THAT(rows[2].fields, ElementsAre("4", "", "6"));
  EXPECT_EQ(rows[2].raw, "4,,6");
}

TEST(CsvReader, LastLineWithoutNewlineAndTrailingEmptyField) {
  auto rows = read_string("x,y\n1,");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[1].fields, ElementsAre("1", ""));
}

TEST(CsvReader, CrlfAndBom) {
  auto rows = read_string("\xEF\xBB\xBFid,name\r\n1,Ali\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("id", "name"));
  EXPECT_THAT(rows[1].fields, ElementsAre("1", "Ali"));
  EXPECT_EQ(rows[1].raw, "1,Ali");
}

TEST(CsvReader, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  auto rows = read_string("1,\"a,b\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",x\n3,end,\"\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "a,b", "say \"hi\""));
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "two\nlines", "x"));
  EXPECT_EQ(rows[2].line, 4);  // the quoted newline advanced the physical line
  EXPECT_THAT(rows[2].fields, ElementsAre("3", "end", ""));
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsData) {
  auto rows = read_string("12\" vinyl,5\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("12\" vinyl", "5"));
}

TEST(CsvReader, GarbageAfterClosingQuoteIsMalformedAndReaderResyncs) {
  auto rows = read_string("1,\"ab\"cd,3\n2,ok,4\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error, "unexpected character after a closing quote");
  EXPECT_EQ(rows[0].raw, "1,\"ab\"cd,3");
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "ok", "4"));
}

TEST(CsvReader, UnterminatedQuoteAtEndIsMalformed) {
  auto rows = read_string("1,2\n3,\"open\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].error, "unterminated quoted field");
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReader, WhitespaceRuns) {
  CsvDialect ws = *parse_delimiter("whitespace");
  auto rows = read_string(
      " customer_id  date number_of_cds  dollar_value\r\n"
      " 00001 19970101  1   11.77\r\n"
      "\t00002\t19970112 1 12.00   \r\n"
      "   \r\n"
      "00003 \"a b\" 2 1\n",
      ws);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[0].fields, ElementsAre("customer_id", "date", "number_of_cds", "dollar_value"));
  EXPECT_THAT(rows[1].fields, ElementsAre("00001", "19970101", "1", "11.77"));
  EXPECT_THAT(rows[2].fields, ElementsAre("00002", "19970112", "1", "12.00"));
  EXPECT_EQ(rows[3].line, 5);
  EXPECT_THAT(rows[3].fields, ElementsAre("00003", "a b", "2", "1"));
}

TEST(CsvReader, OtherDelimiters) {
  auto tab = read_string("a\tb\n", *parse_delimiter("tab"));
  EXPECT_THAT(tab[0].fields, ElementsAre("a", "b"));
  auto semi = read_string("a;b,c\n", *parse_delimiter(";"));
  EXPECT_THAT(semi[0].fields, ElementsAre("a", "b,c"));
  EXPECT_FALSE(parse_delimiter("ab").has_value());
  EXPECT_FALSE(parse_delimiter("\"").has_value());
}

TEST(CsvReader, OverLongRecordIsRejectedAndReadingResumes) {
  CsvDialect dialect;
  dialect.max_record_bytes = 64;
  auto rows = read_string("a,b\n" + std::string(500, 'x') + ",1\nc,d\n", dialect);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].error, "record is longer than 64 bytes");
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_THAT(rows[2].fields, ElementsAre("c", "d"));
  EXPECT_EQ(rows[2].line, 3);
}

TEST(CsvReader, StreamsFilesLargerThanItsBuffer) {
  const auto path = std::filesystem::temp_directory_path() / "vafa_csv_reader_test.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "id,text\n";
    for (int i = 0; i < 60000; ++i) {
      out << i << ",\"row " << i << " says \"\"hello\"\", with a comma\"\r\n";
    }
  }
  auto reader = CsvReader::open(path.string(), {});
  ASSERT_TRUE(reader.has_value());
  CsvRecord record;
  int count = 0;
  while (*reader->next(record)) {
    ASSERT_TRUE(record.error.empty()) << record.line << ": " << record.error;
    if (count > 0) {
      ASSERT_EQ(record.fields.size(), 2u);
      ASSERT_EQ(record.fields[0], std::to_string(count - 1));
      ASSERT_EQ(record.fields[1],
                "row " + std::to_string(count - 1) + " says \"hello\", with a comma");
      ASSERT_EQ(record.line, count + 1);
    }
    ++count;
  }
  EXPECT_EQ(count, 60001);
  EXPECT_EQ(reader->bytes_consumed(), static_cast<std::int64_t>(std::filesystem::file_size(path)));
  std::filesystem::remove(path);
}

TEST(CsvReader, MissingFileIsNotFound) {
  auto reader = CsvReader::open("/nonexistent/vafa.csv", {});
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace vafa::ingest
