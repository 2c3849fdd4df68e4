// The self-contained HTML report (`vafa report`): the report page built from web/ (scripts,
// styles and fonts inlined) with every stored view written into it, so that it opens offline.
#pragma once

#include <string>
#include <string_view>

#include "vafa/core/error.hpp"
#include "vafa/report/views.hpp"

namespace vafa::report {

struct ReportOptions {
  std::string lang = "en";  // en, fa or hy
  std::string calendar;     // gregorian or persian; empty: the language's own (persian for fa)
  std::int64_t generated_at = 0;
};

// Checks the language and calendar: invalid_argument naming the flag otherwise.
Status check_report_options(const ReportOptions& options);

// The page with `views` (stored_views()) in its data block. data_loss when the page has no
// data block (a template that is not the report's).
Result<std::string> render_report(std::string_view page, const Json& views,
                                  const ReportOptions& options);

}  // namespace vafa::report
