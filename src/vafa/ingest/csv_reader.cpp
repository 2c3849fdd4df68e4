#include "vafa/ingest/csv_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace vafa::ingest {

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 20;
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

CsvReader::CsvReader(std::FILE* file, std::string text, CsvDialect dialect)
    : file_(file), dialect_(dialect), buffer_(std::move(text)) {
  if (file_ == nullptr) {
    end_ = buffer_.size();
    eof_ = true;
  }
}

CsvReader::CsvReader(CsvReader&& other) noexcept { *this = std::move(other); }

CsvReader& CsvReader::operator=(CsvReader&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
    dialect_ = other.dialect_;
    buffer_ = std::move(other.buffer_);
    pos_ = other.pos_;
    end_ = other.end_;
    eof_ = other.eof_;
    started_ = other.started_;
    line_ = other.line_;
    consumed_base_ = other.consumed_base_;
    scratch_ = std::move(other.scratch_);
    spans_ = std::move(other.spans_);
    raw_copy_ = std::move(other.raw_copy_);
  }
  return *this;
}

CsvReader::~CsvReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<CsvReader> CsvReader::open(const std::string& path, CsvDialect dialect) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return fail(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io, "cannot open '{}': {}",
                path, std::strerror(errno));
  }
  return CsvReader(file, {}, dialect);
}

CsvReader CsvReader::from_string(std::string text, CsvDialect dialect) {
  return CsvReader(nullptr, std::move(text), dialect);
}

Result<bool> CsvReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    consumed_base_ += static_cast<std::int64_t>(pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (buffer_.size() < end_ + kChunk) buffer_.resize(end_ + kChunk);
  const std::size_t got = std::fread(buffer_.data() + end_, 1, kChunk, file_);
  if (got == 0) {
    if (std::ferror(file_) != 0) return fail(ErrorCode::io, "read error: {}", std::strerror(errno));
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

// Scans one record starting at pos_. On `complete`, spans_ holds the fields, `raw_end` is where
// the record's text ends (before the line end) and `next` where the next record starts.
CsvReader::Scan CsvReader::scan_record(std::size_t& raw_end, std::size_t& next,
                                       std::int64_t& newlines, std::string& error) {
  spans_.clear();
  scratch_.clear();
  newlines = 0;
  const char* b = buffer_.data();
  const bool ws = dialect_.whitespace;
  const char delim = dialect_.delimiter;
  std::size_t i = pos_;

  // Ends the record at a line end at i, if there is one. Returns true when it did.
  auto at_line_end = [&](std::size_t at, Scan& result) {
    if (at >= end_) {
      if (!eof_) {
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
      if (at + 1 >= end_ && !eof_) {
        result = Scan::need_more;
        return true;
      }
      if (at + 1 < end_ && b[at + 1] == '\n') {
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
    const void* nl = std::memchr(b + from, '\n', end_ - from);
    if (nl == nullptr && !eof_) return Scan::need_more;
    const std::size_t stop =
        nl == nullptr ? end_ : static_cast<std::size_t>(static_cast<const char*>(nl) - b);
    raw_end = stop > pos_ && b[stop - 1] == '\r' ? stop - 1 : stop;
    next = nl == nullptr ? end_ : stop + 1;
    if (nl != nullptr) ++newlines;
    error = std::move(message);
    return Scan::malformed;
  };

  if (ws) {
    while (i < end_ && is_blank(b[i])) ++i;
  }
  while (true) {
    if (i >= end_) {
      if (!eof_) return Scan::need_more;
      spans_.push_back({i, 0, false});
      raw_end = next = i;
      return Scan::complete;
    }
    if (b[i] == '"') {
      const std::size_t scratch_start = scratch_.size();
      ++i;
      while (true) {
        const void* q = std::memchr(b + i, '"', end_ - i);
        if (q == nullptr) {
          if (!eof_) return Scan::need_more;
          newlines += std::count(b + i, b + end_, '\n');
          raw_end = next = end_;
          error = "unterminated quoted field";
          return Scan::malformed;
        }
        const auto qi = static_cast<std::size_t>(static_cast<const char*>(q) - b);
        newlines += std::count(b + i, b + qi, '\n');
        scratch_.append(b + i, qi - i);
        if (qi + 1 >= end_ && !eof_) return Scan::need_more;
        if (qi + 1 < end_ && b[qi + 1] == '"') {
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
        while (i < end_ && is_blank(b[i])) ++i;
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
      while (i < end_ && b[i] != ' ' && b[i] != '\t' && b[i] != '\n') ++i;
    } else {
      while (i < end_ && b[i] != delim && b[i] != '\n') ++i;
    }
    if (i >= end_ && !eof_) return Scan::need_more;
    const bool line_ends = i >= end_ || b[i] == '\n';
    std::size_t field_end = i;
    if (line_ends && field_end > start && b[field_end - 1] == '\r') --field_end;
    spans_.push_back({start, field_end - start, false});
    if (line_ends) {
      raw_end = field_end;
      next = i < end_ ? i + 1 : i;
      if (i < end_) ++newlines;
      return Scan::complete;
    }
    ++i;  // the delimiter
    if (ws) {
      while (i < end_ && is_blank(b[i])) ++i;
      Scan result{};
      if (at_line_end(i, result)) return result;  // trailing blanks
    }
  }
}

Result<bool> CsvReader::skip_to_line_end() {
  while (true) {
    const void* nl = std::memchr(buffer_.data() + pos_, '\n', end_ - pos_);
    if (nl != nullptr) {
      pos_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data()) + 1;
      ++line_;
      return true;
    }
    pos_ = end_;
    VAFA_TRY(const bool more, fill());
    if (!more) return false;
  }
}

Result<bool> CsvReader::next(CsvRecord& record) {
  record.fields.clear();
  record.error.clear();
  record.raw = {};
  if (!started_) {
    started_ = true;
    while (end_ - pos_ < 3 && !eof_) {
      VAFA_TRY(const bool more, fill());
      if (!more) break;
    }
    if (end_ - pos_ >= 3 && std::memcmp(buffer_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
  }
  // Skip blank lines (nothing but spaces, tabs and a line end).
  while (true) {
    std::size_t j = pos_;
    while (j < end_ && (is_blank(buffer_[j]) || buffer_[j] == '\r')) ++j;
    if (j >= end_) {
      if (eof_) {
        pos_ = end_;
        return false;
      }
      VAFA_TRY(const bool more, fill());
      (void)more;
      continue;
    }
    if (buffer_[j] != '\n') break;
    pos_ = j + 1;
    ++line_;
  }

  while (true) {
    std::size_t raw_end = 0;
    std::size_t next_pos = 0;
    std::int64_t newlines = 0;
    std::string error;
    const Scan scan = scan_record(raw_end, next_pos, newlines, error);
    const bool too_long = (scan == Scan::need_more && end_ - pos_ > dialect_.max_record_bytes) ||
                          (scan != Scan::need_more && raw_end - pos_ > dialect_.max_record_bytes);
    if (too_long) {
      record.line = line_;
      raw_copy_.assign(buffer_.data() + pos_, std::min(kRawKeep, end_ - pos_));
      record.raw = raw_copy_;
      record.error = fmt::format("record is longer than {} bytes", dialect_.max_record_bytes);
      VAFA_TRY(const bool resumed, skip_to_line_end());
      (void)resumed;
      return true;
    }
    if (scan == Scan::need_more) {
      VAFA_TRY(const bool more, fill());
      (void)more;  // at the end of input, the next scan completes the record
      continue;
    }
    record.line = line_;
    record.raw = std::string_view(buffer_.data() + pos_, raw_end - pos_);
    line_ += newlines;
    pos_ = next_pos;
    if (scan == Scan::malformed) {
      record.error = std::move(error);
      return true;
    }
    record.fields.reserve(spans_.size());
    for (const FieldSpan& span : spans_) {
      const char* base = span.in_scratch ? scratch_.data() : buffer_.data();
      record.fields.emplace_back(base + span.offset, span.length);
    }
    return true;
  }
}

}  // namespace vafa::ingest
