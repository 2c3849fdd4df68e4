#include "vafa/domain/country.hpp"

#include <unordered_map>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace vafa {

namespace {

// Names ICU does not give (ICU has one display name per region and language): the variants
// real exports and people use. Keys are written plainly; they are normalised like the input.
struct Alias {
  std::string_view name;
  std::string_view code;
};
constexpr Alias kAliases[] = {
    // English variants, and the ISO 3166 "Name, qualifier" forms
    {"UK", "GB"},
    {"Great Britain", "GB"},
    {"Britain", "GB"},
    {"England", "GB"},
    {"Scotland", "GB"},
    {"Wales", "GB"},
    {"Northern Ireland", "GB"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"EIRE", "IE"},
    {"Republic of Ireland", "IE"},
    {"USA", "US"},
    {"U.S.A.", "US"},
    {"U.S.", "US"},
    {"America", "US"},
    {"United States of America", "US"},
    {"Russian Federation", "RU"},
    {"Korea", "KR"},
    {"Korea, Republic of", "KR"},
    {"Republic of Korea", "KR"},
    {"Korea, Democratic People's Republic of", "KP"},
    {"Democratic People's Republic of Korea", "KP"},
    {"Iran, Islamic Republic of", "IR"},
    {"Islamic Republic of Iran", "IR"},
    {"Persia", "IR"},
    {"Czech Republic", "CZ"},
    {"Hong Kong", "HK"},
    {"Macau", "MO"},
    {"Macao", "MO"},
    {"Holland", "NL"},
    {"The Netherlands", "NL"},
    {"UAE", "AE"},
    {"RSA", "ZA"},
    {"Viet Nam", "VN"},
    {"Syrian Arab Republic", "SY"},
    {"Lao People's Democratic Republic", "LA"},
    {"Moldova, Republic of", "MD"},
    {"Tanzania, United Republic of", "TZ"},
    {"Venezuela, Bolivarian Republic of", "VE"},
    {"Bolivia, Plurinational State of", "BO"},
    {"Taiwan, Province of China", "TW"},
    {"Macedonia", "MK"},
    {"Republic of North Macedonia", "MK"},
    {"The former Yugoslav Republic of Macedonia", "MK"},
    {"Ivory Coast", "CI"},
    {"Turkey", "TR"},
    {"Swaziland", "SZ"},
    {"Burma", "MM"},
    {"Cape Verde", "CV"},
    {"Vatican City", "VA"},
    {"Holy See", "VA"},
    {"Palestine", "PS"},
    {"Palestine, State of", "PS"},
    {"Congo, The Democratic Republic of the", "CD"},
    {"Democratic Republic of the Congo", "CD"},
    {"DR Congo", "CD"},
    {"Republic of the Congo", "CG"},
    {"Congo", "CG"},
    {"Brunei Darussalam", "BN"},
    {"Micronesia, Federated States of", "FM"},
    {"Virgin Islands, British", "VG"},
    {"Virgin Islands, U.S.", "VI"},
    {"Saint Martin (French part)", "MF"},
    {"Sint Maarten (Dutch part)", "SX"},
    // Persian
    {"آمریکا", "US"},
    {"امریکا", "US"},
    {"ایالات متحده آمریکا", "US"},
    {"انگلستان", "GB"},
    {"انگلیس", "GB"},
    {"بریتانیا", "GB"},
    {"روسیه", "RU"},
    {"کره جنوبی", "KR"},
    {"امارات", "AE"},
    {"هلند", "NL"},
    // Armenian
    {"ԱՄՆ", "US"},
    {"Ամերիկա", "US"},
    {"Անգլիա", "GB"},
    {"Ռուսաստան", "RU"},
    {"ՌԴ", "RU"},
};

// Values that mean "no country": not a country, and not worth a warning.
constexpr std::string_view kPlaceholders[] = {
    "Unspecified", "Unknown", "N/A", "NA", "None", "-", "--", "?", "نامشخص", "Անհայտ",
};

class CountryTable {
 public:
  CountryTable() {
    UErrorCode status = U_ZERO_ERROR;
    nfd_ = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status)) nfd_ = nullptr;
    const icu::Locale languages[] = {icu::Locale("en"), icu::Locale("fa"), icu::Locale("hy")};
    for (const char* const* code = icu::Locale::getISOCountries(); *code != nullptr; ++code) {
      const std::string alpha2(*code);
      const icu::Locale region("", *code);
      add(alpha2, alpha2);
      const std::string alpha3 = region.getISO3Country();
      if (!alpha3.empty()) add(alpha3, alpha2);
      for (const icu::Locale& language : languages) {
        icu::UnicodeString name;
        region.getDisplayCountry(language, name);
        std::string text;
        name.toUTF8String(text);
        // Without a name ICU gives the code back; that is already in.
        if (text != alpha2) add(text, alpha2);
      }
    }
    for (const Alias& alias : kAliases) add(alias.name, alias.code, /*replace=*/true);
    for (const std::string_view placeholder : kPlaceholders) {
      placeholders_.emplace(key(placeholder), true);
    }
  }

  CountryLookup find(std::string_view text) const {
    const std::string k = key(text);
    if (k.empty() || placeholders_.contains(k)) return {CountryMatch::placeholder, {}};
    if (auto it = codes_.find(k); it != codes_.end()) return {CountryMatch::country, it->second};
    return {CountryMatch::unknown, {}};
  }

 private:
  void add(std::string_view name, std::string_view code, bool replace = false) {
    std::string k = key(name);
    if (k.empty()) return;
    if (replace) {
      codes_.insert_or_assign(std::move(k), std::string(code));
    } else {
      codes_.emplace(std::move(k), std::string(code));  // the first name given keeps it
    }
  }

  // Case-folded letters and digits, without accents or punctuation; Arabic yeh and kaf become
  // the Persian letters. "Côte d’Ivoire" and "cote divoire" have one key.
  std::string key(std::string_view text) const {
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
    if (nfd_ != nullptr) {
      UErrorCode status = U_ZERO_ERROR;
      icu::UnicodeString decomposed = nfd_->normalize(s, status);
      if (U_SUCCESS(status)) s = std::move(decomposed);
    }
    icu::UnicodeString out;
    for (std::int32_t i = 0; i < s.length();) {
      UChar32 c = s.char32At(i);
      i += U16_LENGTH(c);
      if (u_charType(c) == U_NON_SPACING_MARK || !u_isalnum(c)) continue;
      if (c == 0x064A || c == 0x0649) c = 0x06CC;  // ي ى -> ی
      if (c == 0x0643) c = 0x06A9;                 // ك -> ک
      out.append(u_foldCase(c, U_FOLD_CASE_DEFAULT));
    }
    std::string utf8;
    out.toUTF8String(utf8);
    return utf8;
  }

  const icu::Normalizer2* nfd_ = nullptr;
  std::unordered_map<std::string, std::string> codes_;
  std::unordered_map<std::string, bool> placeholders_;
};

const CountryTable& table() {
  static const CountryTable instance;
  return instance;
}

}  // namespace

CountryLookup find_country(std::string_view text) { return table().find(text); }

Result<std::string> parse_country_name(std::string_view text) {
  CountryLookup found = find_country(text);
  if (found.match == CountryMatch::country) return std::move(found.code);
  return fail(ErrorCode::invalid_argument,
              "'{}' is not a country (an ISO 3166 code such as IR or IRN, or a name such as Iran, "
              "ایران or Իրան)",
              text);
}

}  // namespace vafa
