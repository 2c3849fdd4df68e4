// A streaming CSV reader: reads a file in 1 MiB chunks, so memory is bounded by the longest
// record, never by the file.
//
// Written here rather than taken from a library because the import needs three things the
// Debian-packaged CSV parsers (libcsv, fast-cpp-csv-parser) do not give together: runs of
// whitespace as one delimiter (the CDNOW files), the physical line at which every record starts
// (for the quarantine), and a cap on record length that rejects one absurd record and resyncs
// at the next line instead of failing the file.
//
// Dialect: RFC 4180 quoting (a field that starts with `"` is quoted, `""` inside is a quote,
// quoted fields may span lines), LF or CRLF line ends, a UTF-8 byte-order mark at the start is
// skipped, blank lines are skipped. A quote inside an unquoted field is kept as data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/ingest/chunked_input.hpp"

namespace vafa::ingest {

struct CsvDialect {
  char delimiter = ',';
  bool whitespace = false;  // fields are separated by runs of spaces and tabs; leading and
                            // trailing blanks on a line are ignored
  std::size_t max_record_bytes = std::size_t{1} << 20;
};

// "," ";" "|" or any single character, "tab" or "\t", "whitespace".
Result<CsvDialect> parse_delimiter(std::string_view text);

struct CsvRecord {
  std::int64_t line = 0;  // 1-based physical line at which the record starts
  std::string_view raw;   // the record as in the file, without its line end (may be cut short)
  std::vector<std::string_view> fields;
  std::string error;  // set when the record is malformed; `fields` is then empty
};

class CsvReader {
 public:
  static Result<CsvReader> open(const std::string& path, CsvDialect dialect);
  static CsvReader from_string(std::string text, CsvDialect dialect);

  // Reads the next record. Returns false at the end of the input. Views in `record` stay valid
  // until the next call. A malformed record comes back with `error` set and the reader
  // positioned after it; only a read failure is an Error.
  Result<bool> next(CsvRecord& record);

  std::int64_t bytes_consumed() const { return in_.bytes_consumed(); }

 private:
  struct FieldSpan {
    std::size_t offset;
    std::size_t length;
    bool in_scratch;
  };
  enum class Scan { complete, need_more, malformed };

  CsvReader(ChunkedInput input, CsvDialect dialect);
  Scan scan_record(std::size_t& raw_end, std::size_t& next, std::int64_t& newlines,
                   std::string& error);
  Result<bool> skip_to_line_end();

  ChunkedInput in_;
  CsvDialect dialect_;
  bool started_ = false;
  std::int64_t line_ = 1;
  std::string scratch_;
  std::vector<FieldSpan> spans_;
  std::string raw_copy_;  // the start of an over-long record
};

}  // namespace vafa::ingest
