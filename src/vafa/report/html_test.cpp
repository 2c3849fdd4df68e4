// The report page with the views written into its data block.
#include "vafa/report/html.hpp"

#include <gtest/gtest.h>

namespace vafa::report {
namespace {

constexpr std::string_view kPage =
    R"(<html lang="en" dir="ltr"><head><title>vafa report</title>)"
    R"(<script id="vafa-data" type="application/json">{"views":{}}</script>)"
    R"(<script type="module">start()</script></head></html>)";

std::string data_of(const std::string& page) {
  const std::string open = R"(<script id="vafa-data" type="application/json">)";
  const auto from = page.find(open) + open.size();
  return page.substr(from, page.find("</script>", from) - from);
}

TEST(ReportHtml, WritesTheViewsLanguageAndTimeIntoTheDataBlock) {
  const Json views = {{"segments", {{"body", {{"segments", {{{"name", "vip"}}}}}}}}};
  auto page = render_report(kPage, views, {.lang = "fa", .generated_at = 1'767'225'600});
  ASSERT_TRUE(page.has_value()) << page.error().message;
  const Json data = Json::parse(data_of(*page));
  EXPECT_EQ(data["lang"], "fa");
  EXPECT_EQ(data["generated_at"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(data["views"], views);
  EXPECT_FALSE(data.contains("calendar"));
  EXPECT_TRUE(page->ends_with(R"(<script type="module">start()</script></head></html>)"));
}

TEST(ReportHtml, ThePageSaysItsLanguageDirectionAndDate) {
  const Json views = {{"overview.gregorian", {{"as_of", "2026-01-01T00:00:00Z"}, {"body", {}}}}};
  auto fa = render_report(kPage, views, {.lang = "fa"});
  ASSERT_TRUE(fa.has_value());
  EXPECT_TRUE(fa->starts_with(R"(<html lang="fa" dir="rtl">)"));
  EXPECT_NE(fa->find("<title>vafa · "), std::string::npos);
  EXPECT_NE(fa->find("۱۴۰۴"), std::string::npos);  // 11 Dey 1404, in the Persian calendar
  auto gregorian = render_report(kPage, views, {.lang = "fa", .calendar = "gregorian"});
  EXPECT_NE(gregorian->find("۲۰۲۶"), std::string::npos);
  auto en = render_report(kPage, views, {.lang = "en"});
  EXPECT_NE(en->find("<title>vafa · 1 Jan 2026</title>"), std::string::npos);
  EXPECT_TRUE(en->starts_with(R"(<html lang="en" dir="ltr">)"));
}

TEST(ReportHtml, TextThatWouldCloseTheScriptIsEscaped) {
  const Json views = {{"segments", "</script><script>alert(1)</script>"}};
  auto page = render_report(kPage, views, {.lang = "en", .calendar = "persian"});
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->find("</script><script>alert"), std::string::npos);
  const Json data = Json::parse(data_of(*page));
  EXPECT_EQ(data["views"], views);  // the same text once read back
  EXPECT_EQ(data["calendar"], "persian");
}

TEST(ReportHtml, BadOptionsAndAPageWithoutDataAreRefused) {
  EXPECT_EQ(render_report(kPage, Json::object(), {.lang = "de"}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(render_report(kPage, Json::object(), {.lang = "en", .calendar = "julian"}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(render_report("<html></html>", Json::object(), {}).error().code, ErrorCode::data_loss);
}

}  // namespace
}  // namespace vafa::report
