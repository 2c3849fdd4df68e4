// Countries as real exports write them: the 38 values of the UCI Online Retail data set's Country
// column, ISO codes, and names in Persian and Armenian.
#include "vafa/domain/country.hpp"

#include <gtest/gtest.h>

namespace vafa {
namespace {

std::string code_of(std::string_view text) {
  const CountryLookup found = find_country(text);
  return found.match == CountryMatch::country ? found.code : "?";
}

TEST(Country, CodesInEitherCaseAndLength) {
  EXPECT_EQ(code_of("IR"), "IR");
  EXPECT_EQ(code_of("am"), "AM");
  EXPECT_EQ(code_of("IRN"), "IR");
  EXPECT_EQ(code_of("gbr"), "GB");
  EXPECT_EQ(code_of(" DE "), "DE");
}

TEST(Country, TheOnlineRetailCountryColumn) {
  const std::pair<std::string_view, std::string_view> seen[] = {
      {"United Kingdom", "GB"},
      {"France", "FR"},
      {"Australia", "AU"},
      {"Netherlands", "NL"},
      {"Germany", "DE"},
      {"Norway", "NO"},
      {"EIRE", "IE"},
      {"Switzerland", "CH"},
      {"Spain", "ES"},
      {"Poland", "PL"},
      {"Portugal", "PT"},
      {"Italy", "IT"},
      {"Belgium", "BE"},
      {"Lithuania", "LT"},
      {"Japan", "JP"},
      {"Iceland", "IS"},
      {"Denmark", "DK"},
      {"Cyprus", "CY"},
      {"Sweden", "SE"},
      {"Austria", "AT"},
      {"Israel", "IL"},
      {"Finland", "FI"},
      {"Bahrain", "BH"},
      {"Greece", "GR"},
      {"Hong Kong", "HK"},
      {"Singapore", "SG"},
      {"Lebanon", "LB"},
      {"United Arab Emirates", "AE"},
      {"Saudi Arabia", "SA"},
      {"Czech Republic", "CZ"},
      {"Canada", "CA"},
      {"Brazil", "BR"},
      {"USA", "US"},
      {"Malta", "MT"},
      {"RSA", "ZA"},
  };
  for (const auto& [name, code] : seen) EXPECT_EQ(code_of(name), code) << name;
  // Not countries: a placeholder, and two names with no ISO code.
  EXPECT_EQ(find_country("Unspecified").match, CountryMatch::placeholder);
  EXPECT_EQ(find_country("European Community").match, CountryMatch::unknown);
  EXPECT_EQ(find_country("Channel Islands").match, CountryMatch::unknown);
}

TEST(Country, EnglishVariants) {
  for (std::string_view uk : {"UK", "Great Britain", "united kingdom", "U.K."}) {
    EXPECT_EQ(code_of(uk), "GB") << uk;
  }
  EXPECT_EQ(code_of("United States of America"), "US");
  EXPECT_EQ(code_of("United States"), "US");
  EXPECT_EQ(code_of("Russian Federation"), "RU");
  EXPECT_EQ(code_of("Korea, Republic of"), "KR");
  EXPECT_EQ(code_of("South Korea"), "KR");
  EXPECT_EQ(code_of("Iran, Islamic Republic of"), "IR");
  EXPECT_EQ(code_of("Iran (Islamic Republic of)"), "IR");
  EXPECT_EQ(code_of("Cote d'Ivoire"), "CI");  // ICU writes Côte d’Ivoire
  EXPECT_EQ(code_of("Armenia"), "AM");
}

TEST(Country, PersianAndArmenianNames) {
  EXPECT_EQ(code_of("ایران"), "IR");
  EXPECT_EQ(code_of("ارمنستان"), "AM");
  EXPECT_EQ(code_of("آلمان"), "DE");
  EXPECT_EQ(code_of("ايران"), "IR");  // with an Arabic yeh, as some keyboards type it
  EXPECT_EQ(code_of("آمریکا"), "US");
  EXPECT_EQ(code_of("Հայաստան"), "AM");
  EXPECT_EQ(code_of("Իրան"), "IR");
  EXPECT_EQ(code_of("Ֆրանսիա"), "FR");
  EXPECT_EQ(code_of("ԱՄՆ"), "US");
}

TEST(Country, WhatIsNoCountry) {
  EXPECT_EQ(find_country("").match, CountryMatch::placeholder);
  EXPECT_EQ(find_country("N/A").match, CountryMatch::placeholder);
  EXPECT_EQ(find_country("Atlantis").match, CountryMatch::unknown);
  EXPECT_EQ(find_country("XX").match, CountryMatch::unknown);
  auto parsed = parse_country_name("Atlantis");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("'Atlantis'"), std::string::npos);
  EXPECT_EQ(parse_country_name("Germany").value(), "DE");
}

}  // namespace
}  // namespace vafa
