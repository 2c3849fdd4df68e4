// A file (or, for tests, a string) read in 1 MiB chunks into one buffer, shared by the CSV and
// NDJSON readers. A reader scans buffer[pos, end) and advances pos; fill() keeps the bytes from
// pos on and appends the next chunk, so a record that straddles two chunks stays contiguous and
// memory is bounded by the longest record plus one chunk.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "vafa/core/error.hpp"

namespace vafa::ingest {

class ChunkedInput {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << 20;

  // A missing file is not_found; other failures are io.
  static Result<ChunkedInput> open(const std::string& path);
  static ChunkedInput from_string(std::string text);

  // Reads another chunk. Returns false, and sets eof, at the end of the input.
  Result<bool> fill();

  // Bytes of the input before pos.
  std::int64_t bytes_consumed() const { return consumed_base_ + static_cast<std::int64_t>(pos); }

  std::string buffer;
  std::size_t pos = 0;
  std::size_t end = 0;
  bool eof = false;

 private:
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::int64_t consumed_base_ = 0;
};

}  // namespace vafa::ingest
