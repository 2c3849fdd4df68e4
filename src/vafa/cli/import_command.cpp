// vafa import orders|customers|products|events|spend FILE
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>
#include <signal.h>
#include <unistd.h>

#include "vafa/cli/command.hpp"
#include "vafa/core/clock.hpp"
#include "vafa/core/text.hpp"
#include "vafa/ingest/importer.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::cli {

namespace {

// Set by SIGINT/SIGTERM; the import stops at the next batch. A second signal ends the process at
// once (SA_RESETHAND): the database stays consistent either way.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) { g_interrupted.store(true); }

void catch_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct ImportArgs {
  std::string kind;
  std::string path;
  std::string format = "auto";
  std::string delimiter = ",";
  bool no_header = false;
  std::vector<std::string> mapping;
  std::string date_format = "auto";
  std::string currency;
  std::string cancel_prefix;
  std::string calling_code;
  std::string errors_path;
  std::int64_t max_errors = -1;
  std::size_t max_record_bytes = std::size_t{1} << 20;
  std::int64_t batch_rows = 50'000;
  bool no_update = false;
  bool strict = false;
};

// Writes rejected rows to --errors and keeps the first few for the summary; draws the progress
// bar when stderr is a terminal.
class CliObserver final : public ingest::ImportObserver {
 public:
  CliObserver(std::ofstream* errors, std::int64_t file_size, bool tty)
      : errors_(errors), file_size_(file_size), tty_(tty) {}

  void on_rejected(const RejectedRow& row) override {
    write_row(row, "rejected");
    if (shown_.size() < 10) shown_.push_back(row);
  }

  void on_warning(const RejectedRow& row) override {
    write_row(row, "warning");
    if (warned_.size() < 5) warned_.push_back(row);
  }

  void on_progress(std::int64_t bytes, std::int64_t records) override {
    if (!tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && bytes < file_size_) return;
    last_ = now;
    const double share = file_size_ > 0 ? static_cast<double>(bytes) / file_size_ : 1.0;
    const int filled = static_cast<int>(share * 30);
    fmt::print(stderr, "\r  [{:<30}] {:5.1f}%  {} records", std::string(filled, '#'), share * 100,
               records);
    drawn_ = true;
  }

  void finish() {
    if (drawn_) fmt::print(stderr, "\r{:<70}\r", "");
  }

  const std::vector<RejectedRow>& shown() const { return shown_; }
  const std::vector<RejectedRow>& warned() const { return warned_; }

 private:
  // --errors: one CSV line per rejected row or dropped value.
  void write_row(const RejectedRow& row, std::string_view kind) {
    if (errors_ == nullptr) return;
    std::string line;
    append_csv_field(line, row.source);
    line += fmt::format(",{},{},", row.line, kind);
    append_csv_field(line, row.column);
    line.push_back(',');
    append_csv_field(line, row.reason);
    line.push_back(',');
    append_csv_field(line, row.raw);
    *errors_ << line << '\n';
  }

  std::ofstream* errors_;
  std::int64_t file_size_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
  std::vector<RejectedRow> shown_;
  std::vector<RejectedRow> warned_;
};

// After an import, keeps what is derived current: once a refresh has run, the changed customers'
// metrics and segment memberships are updated at once when they are few enough for that to be
// quicker than a full refresh (per customer it costs about 20 times more); otherwise a hint.
void update_derived(Store& store) {
  auto population = segments::stored_population(store);
  if (!population || !*population) return;  // analytics not in use yet
  auto changed = store.changed_customers();
  auto stats = store.stats();
  if (!changed || !stats || changed->empty()) return;
  const auto n = static_cast<std::int64_t>(changed->size());
  if (n > std::max<std::int64_t>(1'000, stats->customers / 20)) {
    fmt::print(
        "{} customers changed: run `vafa refresh` to bring their metrics and segments up "
        "to date\n",
        n);
    return;
  }
  auto updated = segments::update_changed(store, clock_now());
  if (!updated) {
    fmt::print(stderr,
               "vafa: the import is complete, but updating the derived figures failed: {}; run "
               "`vafa refresh --changed`\n",
               updated.error().message);
    return;
  }
  std::int64_t entered = 0, exited = 0;
  for (const auto& segment : updated->segments) {
    entered += segment.entered;
    exited += segment.exited;
  }
  fmt::print("updated {} customers' metrics and segments ({} entries, {} exits)\n",
             updated->customers, entered, exited);
}

int run_import(const ImportArgs& args, const Context& context) {
  ingest::ImportOptions options;
  auto kind = ingest::parse_import_kind(args.kind);
  if (!kind) return report(kind.error());
  options.kind = *kind;
  options.path = args.path;
  auto format = ingest::parse_format(args.format, args.path);
  if (!format) return report(format.error());
  options.source.format = *format;
  if (const auto preset = ingest::parse_preset(args.format)) options.source.preset = *preset;
  options.strict = args.strict;
  auto dialect = ingest::parse_delimiter(args.delimiter);
  if (!dialect) return report(dialect.error());
  options.source.dialect = *dialect;
  options.source.dialect.max_record_bytes = args.max_record_bytes;
  options.source.header = !args.no_header;
  options.source.mapping = args.mapping;
  options.date_format = args.date_format;
  options.currency = args.currency;
  options.cancel_prefix = args.cancel_prefix;
  options.calling_code = args.calling_code;
  if (args.max_errors >= 0) options.max_errors = args.max_errors;
  options.batch_rows = args.batch_rows;
  options.cancel = &g_interrupted;

  std::error_code ec;
  if (!std::filesystem::is_regular_file(args.path, ec)) {
    return report(Error{ErrorCode::not_found, fmt::format("'{}' is not a file", args.path)});
  }
  const auto size = static_cast<std::int64_t>(std::filesystem::file_size(args.path, ec));
  if (size == 0)
    return report(Error{ErrorCode::invalid_argument, fmt::format("'{}' is empty", args.path)});

  std::ofstream errors;
  if (!args.errors_path.empty()) {
    errors.open(args.errors_path, std::ios::trunc);
    if (!errors) {
      return report(Error{ErrorCode::io, fmt::format("cannot write '{}'", args.errors_path)});
    }
    errors << "file,line,kind,column,reason,raw\n";
  }
  auto store = context.open_store();
  if (!store) return report(store.error());
  CliObserver observer(errors.is_open() ? &errors : nullptr, size, isatty(STDERR_FILENO) == 1);
  SystemClock clock;
  catch_stop_signals();
  auto summary = ingest::import_file(**store, options, clock, &observer);
  observer.finish();
  if (!summary) return report(summary.error());

  const ImportCounts& c = summary->counts;
  for (const std::string& note : summary->notes) fmt::print("{}\n", note);
  if (summary->interrupted) {
    fmt::print(stderr,
               "vafa: interrupted; {} records of '{}' were committed (the batch in progress was "
               "rolled back); import the file again to complete it\n",
               c.records, args.path);
    return kInterrupted;
  }
  if (summary->status == ImportStatus::aborted) {
    fmt::print(stderr,
               "vafa: import of '{}' stopped: more than {} rejected rows; nothing from it was "
               "kept\n",
               args.path, args.max_errors);
  } else {
    fmt::print("imported {}: {} records, {} accepted, {} rejected", args.path, c.records,
               c.accepted, c.rejected);
    if (options.kind == ingest::ImportKind::orders) {
      fmt::print(" ({} orders, {} guest, {} returns/cancellations)", summary->orders,
                 summary->guest_orders, summary->returns);
    }
    if (c.warnings > 0) {
      fmt::print(", {} {} dropped with a warning", c.warnings,
                 c.warnings == 1 ? "value" : "values");
    }
    fmt::print("\n");
  }
  for (const RejectedRow& row : observer.warned()) {
    fmt::print(stderr, "  warning: line {}{}: {}\n", row.line,
               row.column.empty() ? "" : fmt::format(" [{}]", row.column), row.reason);
  }
  if (c.warnings > static_cast<std::int64_t>(observer.warned().size())) {
    fmt::print(stderr, "  ... and {} more warnings; {}\n", c.warnings - observer.warned().size(),
               args.errors_path.empty() ? "use --errors FILE to list them all"
                                        : fmt::format("all are in {}", args.errors_path));
  }
  for (const RejectedRow& row : observer.shown()) {
    fmt::print(stderr, "  line {}{}: {}\n", row.line,
               row.column.empty() ? "" : fmt::format(" [{}]", row.column), row.reason);
  }
  if (c.rejected > static_cast<std::int64_t>(observer.shown().size())) {
    fmt::print(stderr, "  ... and {} more; {}\n", c.rejected - observer.shown().size(),
               args.errors_path.empty() ? "use --errors FILE to list them all"
                                        : fmt::format("all are in {}", args.errors_path));
  }
  if (summary->status == ImportStatus::aborted) return kAborted;
  if (!args.no_update) update_derived(**store);
  return c.rejected > 0 ? kRejectedRows : kOk;
}

}  // namespace

void add_import_command(CLI::App& app, const Context& context, Runner& runner) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Import orders, customers, products, events or marketing spend from a CSV or NDJSON file");
  cmd->add_option("kind", args->kind, "orders, customers, products, events or spend")
      ->required()
      ->check(CLI::IsMember({"orders", "customers", "products", "events", "spend"}));
  cmd->add_option("file", args->path, "The file to import")->required();
  cmd->add_option("--format", args->format,
                  "csv, ndjson, auto (by extension), or a shop's export read without --map: "
                  "shopify, woocommerce, online-retail")
      ->capture_default_str()
      ->check(CLI::IsMember(
          {"auto", "csv", "ndjson", "jsonl", "shopify", "woocommerce", "online-retail"}));
  cmd->add_option("--delimiter", args->delimiter,
                  "CSV field delimiter: one character, 'tab' or 'whitespace'")
      ->capture_default_str();
  cmd->add_flag("--no-header", args->no_header, "The CSV has no header line");
  cmd->add_option("--map", args->mapping,
                  "field=column[,field=column...]: column by header name or 1-based index");
  cmd->add_option("--date-format", args->date_format,
                  "auto (ISO 8601, yyyymmdd, and m/d/Y or d/m/Y found over the file), iso8601, "
                  "yyyymmdd, mdy, dmy or a strptime format such as '%d/%m/%Y %H:%M'")
      ->capture_default_str();
  cmd->add_option("--currency", args->currency,
                  "ISO 4217 currency for rows without a currency column (e.g. IRR, AMD, USD)");
  cmd->add_option("--cancel-prefix", args->cancel_prefix,
                  "Order ids starting with this are cancellations (e.g. C)");
  cmd->add_option("--calling-code", args->calling_code,
                  "Country calling code for phone numbers without one (e.g. 98, 374)");
  cmd->add_option("--errors", args->errors_path,
                  "Write rejected rows and dropped values (warnings) to this CSV file");
  cmd->add_flag("--strict", args->strict,
                "Reject a row for a bad optional value (country, channel, phone, birthday ...) "
                "instead of dropping the value with a warning");
  cmd->add_option("--max-errors", args->max_errors,
                  "Roll back the whole file if more than N rows are rejected")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-record-bytes", args->max_record_bytes, "Reject records longer than this")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30));
  cmd->add_option("--batch-rows", args->batch_rows,
                  "Commit every N records (a kill loses at most the batch in progress)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  cmd->add_flag("--no-update", args->no_update,
                "Do not update the changed customers' metrics and segments afterwards");
  cmd->callback([args, &context, &runner] {
    runner = [args, &context] { return run_import(*args, context); };
  });
}

}  // namespace vafa::cli
