#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <new>

#include <fmt/core.h>

#include "vafa/cli/command.hpp"
#include "vafa/core/clock.hpp"
#include "vafa/i18n/i18n.hpp"

namespace vafa::cli {

// The one mapping of an Error to an exit code (docs/cli.md).
int exit_code_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::invalid_fields:
    case ErrorCode::not_found:
    case ErrorCode::not_allowed:
    case ErrorCode::too_large:
    case ErrorCode::unsupported_format: return kUsage;
    case ErrorCode::aborted: return kAborted;
    case ErrorCode::conflict:
    case ErrorCode::timeout:
    case ErrorCode::rate_limited:
    case ErrorCode::unavailable:
    case ErrorCode::io:
    case ErrorCode::data_loss:
    case ErrorCode::internal:
    case ErrorCode::unauthenticated:
    case ErrorCode::permission_denied: return kFailure;
  }
  return kFailure;
}

int report(const Error& error) {
  fmt::print(stderr, "vafa: {}\n", error.message);
  return exit_code_for(error);
}

Result<std::unique_ptr<Store>> Context::open_store() const { return vafa::open_store(db); }

std::int64_t clock_now() { return SystemClock{}.now().time_since_epoch().count(); }

Result<std::int64_t> day_seconds(std::string_view text, std::string_view flag) {
  auto date = parse_date(text);
  if (!date) {
    return fail(ErrorCode::invalid_argument, "{}: '{}' is not a date (YYYY-MM-DD)", flag, text);
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::sys_days(*date).time_since_epoch())
      .count();
}

Result<std::int64_t> parse_time_flag(std::string_view flag, std::string_view text) {
  if (auto day = day_seconds(text, flag)) return day;
  if (auto time = parse_iso8601(text)) return time->time_since_epoch().count();
  return fail(ErrorCode::invalid_argument,
              "{}: '{}' is not a date (YYYY-MM-DD) or an ISO 8601 time", flag, text);
}

Result<std::map<std::int64_t, std::string>> customer_ids(Store& store,
                                                         std::vector<std::int64_t> rows) {
  std::ranges::sort(rows);
  std::map<std::int64_t, std::string> ids;
  if (rows.empty()) return ids;
  VAFA_CHECK(store.scan_customers([&](std::int64_t row, std::string_view id) -> Status {
    if (std::ranges::binary_search(rows, row)) ids.emplace(row, id);
    return {};
  }));
  return ids;
}

std::string Context::date(Timestamp t) const { return i18n::numeric_date(t, calendar); }

std::string Context::date(std::int64_t unix_seconds) const {
  return date(from_unix_seconds(unix_seconds));
}

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
  app.add_option_function<std::string>(
         "--calendar",
         [&context](const std::string& name) {
           context.calendar = *vafa::i18n::parse_calendar(name);  // checked below
         },
         "Calendar of the dates shown in tables: gregorian or persian (Jalali)")
      ->check(CLI::IsMember({"gregorian", "persian"}))
      ->default_str("gregorian");
  Runner runner;
  add_import_command(app, context, runner);
  add_stats_command(app, context, runner);
  add_backup_command(app, context, runner);
  add_generate_command(app, context, runner);
  add_clv_command(app, context, runner);
  add_analytics_commands(app, context, runner);
  add_metrics_commands(app, context, runner);
  add_segments_command(app, context, runner);
  add_recommend_command(app, context, runner);
  add_keys_command(app, context, runner);
  add_users_command(app, context, runner);
  add_report_command(app, context, runner);
  add_serve_command(app, context, runner);
  add_loyalty_command(app, context, runner);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  if (!runner) return kUsage;
  // Errors are values (Result); an exception here is a bug or the machine running out of
  // memory. Either ends the command with a message and the failure code, never an abort.
  try {
    return runner();
  } catch (const std::bad_alloc&) {
    std::fputs("vafa: out of memory\n", stderr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vafa: internal error: %s\n", e.what());
  } catch (...) {
    std::fputs("vafa: internal error\n", stderr);
  }
  return kFailure;
}
