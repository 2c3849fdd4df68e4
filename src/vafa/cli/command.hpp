// The vafa command line: one binary, one subcommand per job. Each command file registers its
// subcommand on the app and runs it; main() maps what they return to the process exit code.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "vafa/core/error.hpp"
#include "vafa/store/store.hpp"

namespace vafa::cli {

// Process exit codes, documented in docs/cli.md.
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
  std::string db;  // store location, from --db or the default
  Result<std::unique_ptr<Store>> open_store() const;
};

// A command returns its exit code.
using Runner = std::function<int()>;

void add_import_command(CLI::App& app, const Context& context, Runner& runner);
void add_stats_command(CLI::App& app, const Context& context, Runner& runner);
void add_generate_command(CLI::App& app, const Context& context, Runner& runner);
void add_clv_command(CLI::App& app, const Context& context, Runner& runner);
void add_analytics_commands(CLI::App& app, const Context& context, Runner& runner);
void add_metrics_commands(CLI::App& app, const Context& context, Runner& runner);
void add_segments_command(CLI::App& app, const Context& context, Runner& runner);

}  // namespace vafa::cli
