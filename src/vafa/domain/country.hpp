// Countries as shops write them: ISO 3166-1 codes (alpha-2 and alpha-3) and names in English,
// Persian and Armenian. The names come from ICU's display names of regions in those languages,
// plus a short table of what ICU lacks: the variants real exports use ("UK", "EIRE", "USA",
// "Korea, Republic of", "Czech Republic", "RSA") and the colloquial Persian and Armenian names.
// Matching ignores case, accents, punctuation and spacing, and the Arabic forms of Persian
// letters (ي/ی, ك/ک).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vafa/core/error.hpp"

namespace vafa {

// What a country value is.
enum class CountryMatch {
  country,      // it names a country; `code` holds its alpha-2 code
  placeholder,  // "Unspecified", "Unknown", "N/A", "-": no country, and nothing to warn about
  unknown       // it names no country vafa knows
};

struct CountryLookup {
  CountryMatch match = CountryMatch::unknown;
  std::string code;
};

// Thread-safe; the table is built from ICU once, on first use.
CountryLookup find_country(std::string_view text);

// The alpha-2 code, or an error naming the value for anything that is not a country
// (placeholders included).
Result<std::string> parse_country_name(std::string_view text);

}  // namespace vafa
