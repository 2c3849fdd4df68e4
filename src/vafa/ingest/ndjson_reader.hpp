// A streaming NDJSON reader: one JSON object per line, read in 1 MiB chunks. Each object's
// top-level members come back as text: strings unescaped, numbers exactly as written (never
// through a double, so "12.34" stays "12.34"), booleans as "true"/"false", nested objects and
// arrays as their raw JSON; null members are left out. Parsing is simdjson's On Demand API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vafa/core/error.hpp"

namespace vafa::ingest {

struct NdjsonRecord {
  std::int64_t line = 0;
  std::string_view raw;
  std::vector<std::pair<std::string_view, std::string_view>> members;
  std::string error;  // set when the line is not a JSON object; `members` is then empty

  // The value of the first member named `key`, or empty.
  std::string_view get(std::string_view key) const;
  bool has(std::string_view key) const;
};

class NdjsonReader {
 public:
  static Result<NdjsonReader> open(const std::string& path,
                                   std::size_t max_record_bytes = std::size_t{1} << 20);
  static NdjsonReader from_string(std::string text,
                                  std::size_t max_record_bytes = std::size_t{1} << 20);

  NdjsonReader(NdjsonReader&&) noexcept;
  NdjsonReader& operator=(NdjsonReader&&) noexcept;
  ~NdjsonReader();

  // Reads the next non-blank line. Returns false at the end. Views stay valid until the next call.
  Result<bool> next(NdjsonRecord& record);

  std::int64_t bytes_consumed() const;

 private:
  struct Impl;
  explicit NdjsonReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vafa::ingest
