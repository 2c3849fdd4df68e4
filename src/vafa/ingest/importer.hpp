// The import pipeline: a TableSource's rows are validated and normalised into domain objects and
// written to the Store in batched transactions. Bad rows go to the quarantine (and to the
// observer) with where and why; good rows land. Re-importing a file leaves the store unchanged:
// orders and events carry ids (given, or derived from the row's content), and an order written
// by an earlier run is replaced whole.
//
// Two threads: a reader parses and validates (RowReader) while the caller's thread writes to the
// store, handing over batches of a few thousand records through a bounded queue, so memory stays
// bounded whatever the file. The Store is only touched by the caller's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vafa/core/clock.hpp"
#include "vafa/core/error.hpp"
#include "vafa/ingest/table.hpp"
#include "vafa/store/store.hpp"

namespace vafa::ingest {

struct ImportOptions {
  ImportKind kind = ImportKind::orders;
  std::string path;
  SourceOptions source;
  std::string date_format = "auto";  // auto, iso8601, yyyymmdd or a strptime format
  std::string currency;              // used when a row has no currency of its own
  std::string cancel_prefix;         // order ids starting with it are cancellations
  std::string calling_code;          // for phone numbers without a country prefix ("98")
  // Reject a row for a bad optional value (country, channel, phone, birthday ...) instead of
  // dropping the value with a warning.
  bool strict = false;
  // Past this many rejected rows the whole file is rolled back. The file is then imported in
  // one transaction. Unset: no limit, committed in batches.
  std::optional<std::int64_t> max_errors;
  // Set (from a signal handler, another thread) to stop: the batch in progress is rolled back,
  // what was committed stays, and the summary says interrupted. Re-importing completes the file.
  const std::atomic<bool>* cancel = nullptr;
  std::int64_t batch_rows = 50'000;
};

struct ImportSummary {
  std::int64_t run = 0;
  ImportCounts counts;
  ImportStatus status = ImportStatus::completed;
  std::int64_t orders = 0;  // orders written (for orders imports)
  std::int64_t guest_orders = 0;
  std::int64_t returns = 0;  // orders written as returned or cancelled
  bool interrupted = false;  // stopped by `cancel`; counts are what was committed
  // What the import decided on its own, for the user: "times read as month/day/year: ...".
  std::vector<std::string> notes;
};

class ImportObserver {
 public:
  virtual ~ImportObserver() = default;
  virtual void on_rejected(const RejectedRow& /*row*/) {}
  // A value dropped from an accepted row: `column` and `reason` say which and why.
  virtual void on_warning(const RejectedRow& /*row*/) {}
  virtual void on_progress(std::int64_t /*bytes*/, std::int64_t /*records*/) {}
};

// Imports one file. Errors before anything is written (a missing file, a bad mapping) and store
// failures are returned as Error; rejected rows are not errors, they are counted in the summary.
// When max_errors is exceeded the file's writes are rolled back and the summary says aborted.
Result<ImportSummary> import_file(Store& store, const ImportOptions& options, const Clock& clock,
                                  ImportObserver* observer = nullptr);

}  // namespace vafa::ingest
