// Server-side text in the user's language and calendar, with ICU: dates for the CLI's tables
// (`vafa --calendar persian ...`) and for the report's page (its title and the text shown before
// its script runs). The dashboard's own pages format in the browser (web/src/i18n.ts).
#pragma once

#include <string>
#include <string_view>

#include "vafa/core/error.hpp"
#include "vafa/core/time.hpp"

namespace vafa::i18n {

enum class Lang { en, fa, hy };
enum class Calendar { gregorian, persian };

Result<Lang> parse_lang(std::string_view text);          // "en", "fa", "hy"
Result<Calendar> parse_calendar(std::string_view text);  // "gregorian", "persian"
bool right_to_left(Lang lang);
// The calendar a language shows by default: Persian for fa.
Calendar default_calendar(Lang lang);

// "2026-01-01" in the Gregorian calendar, "1404-10-11" in the Persian one (Latin digits, for
// tables and files), in UTC.
std::string numeric_date(Timestamp t, Calendar calendar);

// The date as the language writes it: "1 Jan 2026", "۱۱ دی ۱۴۰۴", "1 հնվ, 2026 թ." (ICU's
// medium date, UTC).
std::string long_date(Timestamp t, Lang lang, Calendar calendar);

// A whole number with the language's digits and grouping: "12,345", "۱۲٬۳۴۵", "12 345".
std::string whole_number(std::int64_t n, Lang lang);

}  // namespace vafa::i18n
