// A backend capability, not part of the Store: upkeep of a write-ahead log for a long-running
// writer (the server's). Backends with one implement it beside Store; callers ask with
// dynamic_cast<WriteAheadLog*>(&store) and do without when it is null.
//
// With automatic checkpoints off, a commit never stops to copy the log back into the database
// file (a latency spike of an fsync); another connection calls checkpoint(passive) instead,
// which copies what it can without waiting for or blocking writers. That alone never lets the
// log start again from its beginning while reads and writes arrive back to back, so the log
// grows without end: the writer watches log_bytes() after its commits and, past a bound,
// between two commits, takes a restart checkpoint, which copies the rest, waits a short while
// for readers to leave the log and lets the next commit write from its beginning (the file is
// then cut to its size limit).
#pragma once

#include <cstdint>

#include "vafa/core/error.hpp"

namespace vafa {

class WriteAheadLog {
 public:
  virtual ~WriteAheadLog() = default;

  enum class Checkpoint { passive, restart };
  virtual Status set_auto_checkpoint(bool on) = 0;
  virtual Status checkpoint(Checkpoint mode) = 0;
  // The size of the log as this connection's last commit left it (0 when unknown).
  virtual std::int64_t log_bytes() const = 0;
};

}  // namespace vafa
