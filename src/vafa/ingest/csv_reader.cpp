#include "vafa/ingest/csv_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace vafa::ingest {

namespace {

constexpr std::size_t kRawKeep = 256;  // bytes of an over-long record kept for the report

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<CsvDialect> parse_delimiter(std::string_view text) {
  CsvDialect dialect;
  if (text == "whitespace" || text == "ws") {
    dialect.whitespace = true;
    dialect.delimiter = ' ';
  } else if (text == "tab" || text == "\\t" || text == "\t") {
    dialect.delimiter = '\t';
  } else if (text.size() == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r') {
    dialect.delimiter = text[0];
  } else {
    return fail(ErrorCode::invalid_argument,
                "delimiter '{}' is not supported: give one character (',' ';' '|'), 'tab' or "
                "'whitespace'",
                text);
  }
  return dialect;
}

CsvReader::CsvReader(ChunkedInput input, CsvDialect dialect)
    : in_(std::move(input)), dialect_(dialect) {}

Result<CsvReader> CsvReader::open(const std::string& path, CsvDialect dialect) {
  VAFA_TRY(ChunkedInput input, ChunkedInput::open(path));
  return CsvReader(std::move(input), dialect);
}

CsvReader CsvReader::from_string(std::string text, CsvDialect dialect) {
  return CsvReader(ChunkedInput::from_string(std::move(text)), dialect);
}

// Scans one record starting at in_.pos. On `complete`, spans_ holds the fields, `raw_end` is where
// the record's text ends (before the line end) and `next` where the next record starts.
CsvReader::Scan CsvReader::scan_record(std::size_t& raw_end, std::size_t& next,
                                       std::int64_t& newlines, std::string& error) {
  spans_.clear();
  scratch_.clear();
  newlines = 0;
  const char* b = in_.buffer.data();
  const bool ws = dialect_.whitespace;
  const char delim = dialect_.delimiter;
  std::size_t i = in_.pos;

  // Ends the record at a line end at i, if there is one. Returns true when it did.
  auto at_line_end = [&](std::size_t at, Scan& result) {
    if (at >= in_.end) {
      if (!in_.eof) {
        result = Scan::need_more;
        return true;
      }
      raw_end = next = at;
      result = Scan::complete;
      return true;
    }
    if (b[at] == '\n') {
      raw_end = at;
      next = at + 1;
      ++newlines;
      result = Scan::complete;
      return true;
    }
    if (b[at] == '\r') {
      if (at + 1 >= in_.end && !in_.eof) {
        result = Scan::need_more;
        return true;
      }
      if (at + 1 < in_.end && b[at + 1] == '\n') {
        raw_end = at;
        next = at + 2;
        ++newlines;
        result = Scan::complete;
        return true;
      }
    }
    return false;
  };
  // Marks the record malformed and skips to the end of the physical line containing `from`.
  auto malformed = [&](std::size_t from, std::string message) {
    const void* nl = std::memchr(b + from, '\n', in_.end - from);
    if (nl == nullptr && !in_.eof) return Scan::need_more;
    const std::size_t stop =
        nl == nullptr ? in_.end : static_cast<std::size_t>(static_cast<const char*>(nl) - b);
    raw_end = stop > in_.pos && b[stop - 1] == '\r' ? stop - 1 : stop;
    next = nl == nullptr ? in_.end : stop + 1;
    if (nl != nullptr) ++newlines;
    error = std::move(message);
    return Scan::malformed;
  };

  if (ws) {
    while (i < in_.end && is_blank(b[i])) ++i;
  }
  while (true) {
    if (i >= in_.end) {
      if (!in_.eof) return Scan::need_more;
      spans_.push_back({i, 0, false});
      raw_end = next = i;
      return Scan::complete;
    }
    if (b[i] == '"') {
      const std::size_t scratch_start = scratch_.size();
      ++i;
      while (true) {
        const void* q = std::memchr(b + i, '"', in_.end - i);
        if (q == nullptr) {
          if (!in_.eof) return Scan::need_more;
          newlines += std::count(b + i, b + in_.end, '\n');
          raw_end = next = in_.end;
          error = "unterminated quoted field";
          return Scan::malformed;
        }
        const auto qi = static_cast<std::size_t>(static_cast<const char*>(q) - b);
        newlines += std::count(b + i, b + qi, '\n');
        scratch_.append(b + i, qi - i);
        if (qi + 1 >= in_.end && !in_.eof) return Scan::need_more;
        if (qi + 1 < in_.end && b[qi + 1] == '"') {
          scratch_.push_back('"');
          i = qi + 2;
          continue;
        }
        i = qi + 1;
        break;
      }
      spans_.push_back({scratch_start, scratch_.size() - scratch_start, true});
      const std::size_t after_quote = i;
      if (ws) {
        while (i < in_.end && is_blank(b[i])) ++i;
      }
      Scan result{};
      if (at_line_end(i, result)) return result;
      if (!ws && b[i] == delim) {
        ++i;
        continue;
      }
      if (ws && i > after_quote) continue;
      return malformed(i, "unexpected character after a closing quote");
    }
    const std::size_t start = i;
    if (ws) {
      while (i < in_.end && b[i] != ' ' && b[i] != '\t' && b[i] != '\n') ++i;
    } else {
      while (i < in_.end && b[i] != delim && b[i] != '\n') ++i;
    }
    if (i >= in_.end && !in_.eof) return Scan::need_more;
    const bool line_ends = i >= in_.end || b[i] == '\n';
    std::size_t field_end = i;
    if (line_ends && field_end > start && b[field_end - 1] == '\r') --field_end;
    spans_.push_back({start, field_end - start, false});
    if (line_ends) {
      raw_end = field_end;
      next = i < in_.end ? i + 1 : i;
      if (i < in_.end) ++newlines;
      return Scan::complete;
    }
    ++i;  // the delimiter
    if (ws) {
      while (i < in_.end && is_blank(b[i])) ++i;
      Scan result{};
      if (at_line_end(i, result)) return result;  // trailing blanks
    }
  }
}

Result<bool> CsvReader::skip_to_line_end() {
  while (true) {
    const void* nl = std::memchr(in_.buffer.data() + in_.pos, '\n', in_.end - in_.pos);
    if (nl != nullptr) {
      in_.pos = static_cast<std::size_t>(static_cast<const char*>(nl) - in_.buffer.data()) + 1;
      ++line_;
      return true;
    }
    in_.pos = in_.end;
    VAFA_TRY(const bool more, in_.fill());
    if (!more) return false;
  }
}

Result<bool> CsvReader::next(CsvRecord& record) {
  record.fields.clear();
  record.error.clear();
  record.raw = {};
  if (!started_) {
    started_ = true;
    while (in_.end - in_.pos < 3 && !in_.eof) {
      VAFA_TRY(const bool more, in_.fill());
      if (!more) break;
    }
    if (in_.end - in_.pos >= 3 && std::memcmp(in_.buffer.data() + in_.pos, "\xEF\xBB\xBF", 3) == 0)
      in_.pos += 3;
  }
  // Skip blank lines (nothing but spaces, tabs and a line end).
  while (true) {
    std::size_t j = in_.pos;
    while (j < in_.end && (is_blank(in_.buffer[j]) || in_.buffer[j] == '\r')) ++j;
    if (j >= in_.end) {
      if (in_.eof) {
        in_.pos = in_.end;
        return false;
      }
      VAFA_TRY(const bool more, in_.fill());
      (void)more;
      continue;
    }
    if (in_.buffer[j] != '\n') break;
    in_.pos = j + 1;
    ++line_;
  }

  while (true) {
    std::size_t raw_end = 0;
    std::size_t next_pos = 0;
    std::int64_t newlines = 0;
    std::string error;
    const Scan scan = scan_record(raw_end, next_pos, newlines, error);
    const bool too_long =
        (scan == Scan::need_more && in_.end - in_.pos > dialect_.max_record_bytes) ||
        (scan != Scan::need_more && raw_end - in_.pos > dialect_.max_record_bytes);
    if (too_long) {
      record.line = line_;
      raw_copy_.assign(in_.buffer.data() + in_.pos, std::min(kRawKeep, in_.end - in_.pos));
      record.raw = raw_copy_;
      record.error = fmt::format("record is longer than {} bytes", dialect_.max_record_bytes);
      VAFA_TRY(const bool resumed, skip_to_line_end());
      (void)resumed;
      return true;
    }
    if (scan == Scan::need_more) {
      VAFA_TRY(const bool more, in_.fill());
      (void)more;  // at the end of input, the next scan completes the record
      continue;
    }
    record.line = line_;
    record.raw = std::string_view(in_.buffer.data() + in_.pos, raw_end - in_.pos);
    line_ += newlines;
    in_.pos = next_pos;
    if (scan == Scan::malformed) {
      record.error = std::move(error);
      return true;
    }
    record.fields.reserve(spans_.size());
    for (const FieldSpan& span : spans_) {
      const char* base = span.in_scratch ? scratch_.data() : in_.buffer.data();
      record.fields.emplace_back(base + span.offset, span.length);
    }
    return true;
  }
}

}  // namespace vafa::ingest
