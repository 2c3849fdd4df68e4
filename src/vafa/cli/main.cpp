#include <fmt/core.h>

#include "vafa/cli/command.hpp"

namespace vafa::cli {

int exit_code_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::not_found: return kUsage;
    case ErrorCode::aborted: return kAborted;
    default: return kFailure;
  }
}

int report(const Error& error) {
  fmt::print(stderr, "vafa: {}\n", error.message);
  return exit_code_for(error);
}

Result<std::unique_ptr<Store>> Context::open_store() const { return vafa::open_store(db); }

}  // namespace vafa::cli

int main(int argc, char** argv) {
  using namespace vafa::cli;
  CLI::App app{"vafa: customer retention engine (identity, CLV, loyalty, segments, campaigns)",
               "vafa"};
  app.set_version_flag("--version", "vafa 0.1.0");
  app.require_subcommand(1);
  Context context;
  context.db = vafa::default_store_location();
  app.add_option("--db", context.db, "Store location: a SQLite file (default $VAFA_DB or vafa.db)")
      ->capture_default_str();
  Runner runner;
  add_import_command(app, context, runner);
  add_stats_command(app, context, runner);
  add_generate_command(app, context, runner);
  add_clv_command(app, context, runner);
  add_analytics_commands(app, context, runner);
  add_metrics_commands(app, context, runner);
  add_segments_command(app, context, runner);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  if (!runner) return kUsage;
  return runner();
}
