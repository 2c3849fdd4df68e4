// vafa report --out FILE [--lang en|fa|hy] [--calendar gregorian|persian]: the dashboard's
// charts in one HTML file that opens offline (docs/dashboard.md).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include "vafa/api/web_assets.hpp"
#include "vafa/cli/command.hpp"
#include "vafa/report/html.hpp"

namespace vafa::cli {

namespace {

struct ReportFlags {
  std::string out, lang = "en", calendar;
};

// Writes beside the target and renames, so a killed run never leaves half a report.
Status write_whole(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) return fail(ErrorCode::io, "cannot write {}", partial.string());
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.flush();
    if (!file) return fail(ErrorCode::io, "writing {} failed (disk full?)", partial.string());
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    return fail(ErrorCode::io, "cannot move the report to {}", path.string());
  }
  return {};
}

int run_report(const ReportFlags& flags, const Context& context) {
  const report::ReportOptions options{
      .lang = flags.lang, .calendar = flags.calendar, .generated_at = clock_now()};
  if (Status ok = report::check_report_options(options); !ok) return report(ok.error());
  const auto page = api::web_asset("report.html");
  if (!page) {
    return report(Error{ErrorCode::unavailable,
                        "this vafa was built without its web pages: run `make build` (it builds "
                        "web/ with npm) first"});
  }
  auto store = context.open_store();
  if (!store) return report(store.error());
  auto views = report::stored_views(**store);
  if (!views) return report(views.error());
  if (views->empty()) {
    return report(Error{ErrorCode::not_found, "nothing to report yet: run `vafa refresh` first"});
  }
  auto html = report::render_report(page->body, *views, options);
  if (!html) return report(html.error());
  if (Status written = write_whole(flags.out, *html); !written) return report(written.error());
  fmt::print("wrote {} ({:.1f} MB, {} views, {})\n", flags.out,
             static_cast<double>(html->size()) / 1e6, views->size(), flags.lang);
  return kOk;
}

}  // namespace

void add_report_command(CLI::App& app, const Context& context, Runner& runner) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Write the dashboard's charts as one HTML file that opens offline");
  cmd->add_option("--out", flags->out, "The HTML file to write")->required();
  cmd->add_option("--lang", flags->lang, "en, fa or hy")->capture_default_str();
  cmd->add_option("--calendar", flags->calendar,
                  "gregorian or persian (default: persian for fa, gregorian otherwise)");
  cmd->callback([flags, &context, &runner] {
    runner = [flags, &context] { return run_report(*flags, context); };
  });
}

}  // namespace vafa::cli
