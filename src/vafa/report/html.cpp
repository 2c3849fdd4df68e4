#include "vafa/report/html.hpp"

#include <fmt/core.h>

#include "vafa/core/time.hpp"
#include "vafa/i18n/i18n.hpp"

namespace vafa::report {

namespace {

constexpr std::string_view kDataOpen = R"(<script id="vafa-data" type="application/json">)";
constexpr std::string_view kScriptClose = "</script>";

// JSON inside <script>: "</" could close the element, so it is written "<\/" (the same string
// to a JSON reader).
std::string script_safe(std::string json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    out += json[i];
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') out += '\\';
  }
  return out;
}

void replace_first(std::string& text, std::string_view what, std::string_view with) {
  const std::size_t at = text.find(what);
  if (at != std::string::npos) text.replace(at, what.size(), with);
}

struct Settings {
  i18n::Lang lang;
  i18n::Calendar calendar;
};

// The language and calendar asked for (the calendar defaults to the language's own).
Result<Settings> settings_of(const ReportOptions& options) {
  auto lang = i18n::parse_lang(options.lang);
  if (!lang) return fail(lang.error().with_context("--lang"));
  if (options.calendar.empty()) return Settings{*lang, i18n::default_calendar(*lang)};
  auto calendar = i18n::parse_calendar(options.calendar);
  if (!calendar) return fail(calendar.error().with_context("--calendar"));
  return Settings{*lang, *calendar};
}

}  // namespace

Status check_report_options(const ReportOptions& options) {
  VAFA_CHECK(settings_of(options));
  return {};
}

Result<std::string> render_report(std::string_view page, const Json& views,
                                  const ReportOptions& options) {
  VAFA_TRY(const Settings settings, settings_of(options));
  const std::size_t open = page.find(kDataOpen);
  const std::size_t close =
      open == std::string_view::npos ? open : page.find(kScriptClose, open + kDataOpen.size());
  if (close == std::string_view::npos) {
    return fail(ErrorCode::data_loss, "the report page has no data block: rebuild web/");
  }
  Json data = {{"lang", options.lang},
               {"generated_at", format_iso8601(from_unix_seconds(options.generated_at))},
               {"views", views}};
  if (!options.calendar.empty()) data["calendar"] = options.calendar;
  std::string out;
  out.reserve(page.size() + 1024);
  out.append(page.substr(0, open + kDataOpen.size()));
  out += script_safe(data.dump());
  out.append(page.substr(close));
  // The file says its language, direction and date before its script runs (for the browser's
  // first paint, screen readers and whoever lists the file), the date written with ICU.
  replace_first(out, R"(<html lang="en" dir="ltr">)",
                fmt::format(R"(<html lang="{}" dir="{}">)", options.lang,
                            i18n::right_to_left(settings.lang) ? "rtl" : "ltr"));
  std::string title = "vafa";
  if (views.contains("overview.gregorian")) {
    if (auto as_of = parse_iso8601(views["overview.gregorian"].value("as_of", ""))) {
      title += " · " + i18n::long_date(*as_of, settings.lang, settings.calendar);
    }
  }
  replace_first(out, "<title>vafa report</title>", fmt::format("<title>{}</title>", title));
  return out;
}

}  // namespace vafa::report
