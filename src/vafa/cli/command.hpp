// The vafa command line: one binary, one subcommand per job. Each command file registers its
// subcommand on the app and runs it; main() maps what they return to the process exit code.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "vafa/cli/output.hpp"
#include "vafa/core/error.hpp"
#include "vafa/i18n/i18n.hpp"
#include "vafa/store/store.hpp"

namespace vafa::cli {

// Process exit codes (docs/cli.md).
enum ExitCode : int {
  kOk = 0,
  kFailure = 1,        // the job failed (I/O, store, internal error)
  kUsage = 2,          // bad arguments or input that cannot be used at all
  kRejectedRows = 3,   // the job finished but some input rows were quarantined
  kAborted = 4,        // too many rejected rows (--max-errors): nothing from that file was kept
  kInterrupted = 130,  // SIGINT/SIGTERM: committed batches kept; running it again completes it
};

int exit_code_for(const Error& error);
// Prints "vafa: <message>" to stderr and returns the exit code for it.
int report(const Error& error);

struct Context {
  std::string db;                                       // store location, from --db or the default
  i18n::Calendar calendar = i18n::Calendar::gregorian;  // of the dates in tables (--calendar)
  Result<std::unique_ptr<Store>> open_store() const;
  // A date for people to read: "2026-01-01", or "1404-10-11" with --calendar persian. JSON and
  // CSV keep ISO 8601 Gregorian dates for programs.
  std::string date(Timestamp t) const;
  std::string date(std::int64_t unix_seconds) const;
};

// The clock's time, Unix seconds.
std::int64_t clock_now();
// A date flag (YYYY-MM-DD) as the Unix seconds of that day's start (UTC).
Result<std::int64_t> day_seconds(std::string_view text, std::string_view flag);
// A date or an ISO 8601 time, as Unix seconds.
Result<std::int64_t> parse_time_flag(std::string_view flag, std::string_view text);
// The external ids of the customers with the given row ids (one pass over the customers).
Result<std::map<std::int64_t, std::string>> customer_ids(Store& store,
                                                         std::vector<std::int64_t> rows);

// A command returns its exit code.
using Runner = std::function<int()>;

// Adds subcommand `name` to `parent`, running `run` with its own Flags; the Flags' `format`
// member gets --json and --csv. Returns the subcommand and its flags, to add options to.
template <typename Flags>
std::pair<CLI::App*, std::shared_ptr<Flags>> add_leaf(CLI::App& parent, const char* name,
                                                      const char* about,
                                                      int (*run)(const Flags&, const Context&),
                                                      const Context& context, Runner& runner) {
  auto flags = std::make_shared<Flags>();
  CLI::App* sub = parent.add_subcommand(name, about);
  sub->callback([flags, run, &context, &runner] {
    runner = [flags, run, &context] { return run(*flags, context); };
  });
  add_format_flags(*sub, flags->format);
  return {sub, flags};
}

void add_import_command(CLI::App& app, const Context& context, Runner& runner);
void add_stats_command(CLI::App& app, const Context& context, Runner& runner);
void add_backup_command(CLI::App& app, const Context& context, Runner& runner);
void add_serve_command(CLI::App& app, const Context& context, Runner& runner);
void add_generate_command(CLI::App& app, const Context& context, Runner& runner);
void add_clv_command(CLI::App& app, const Context& context, Runner& runner);
void add_analytics_commands(CLI::App& app, const Context& context, Runner& runner);
void add_metrics_commands(CLI::App& app, const Context& context, Runner& runner);
void add_segments_command(CLI::App& app, const Context& context, Runner& runner);
void add_recommend_command(CLI::App& app, const Context& context, Runner& runner);
void add_keys_command(CLI::App& app, const Context& context, Runner& runner);
void add_users_command(CLI::App& app, const Context& context, Runner& runner);
void add_loyalty_command(CLI::App& app, const Context& context, Runner& runner);
void add_report_command(CLI::App& app, const Context& context, Runner& runner);

}  // namespace vafa::cli
