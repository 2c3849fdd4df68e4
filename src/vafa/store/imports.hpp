// Import bookkeeping: runs, the occurrence counters that give identical rows distinct ids, and
// the quarantine of refused rows.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"
#include "vafa/store/records.hpp"

namespace vafa {

class ImportLog {
 public:
  virtual ~ImportLog() = default;

  // Records a run (in its own transaction; call it outside begin/commit) and clears the
  // quarantine of earlier runs of the same source, since this run re-examines every row. It
  // also resets the occurrence counters below.
  virtual Result<std::int64_t> start_import(std::string_view kind, std::string_view source,
                                            Timestamp started_at) = 0;
  virtual Status finish_import(std::int64_t run, const ImportCounts& counts, ImportStatus status,
                               Timestamp finished_at) = 0;
  // How many times `key` was seen earlier in the current import run (0 the first time).
  // Used to give identical rows of a file distinct, reproducible ids. Memory does not grow
  // with the number of keys.
  virtual Result<std::int64_t> next_occurrence(std::uint64_t key) = 0;
  virtual Status put_rejected(std::int64_t run, const RejectedRow& row) = 0;
  virtual Result<std::vector<RejectedRow>> rejected_rows(std::string_view source) = 0;
};

}  // namespace vafa
