// The dashboard's reads through the service: stored views, the customer table paged by a keyset
// cursor (ties included), and the rule editor's live count with error columns.
#include <set>

#include "vafa/api/api_test_support.hpp"
#include "vafa/report/views.hpp"
#include "vafa/segments/refresh.hpp"

namespace vafa::api {
namespace {

using testing_support::at;

class DashboardApiTest : public testing_support::ApiFixture {
 protected:
  void order(const std::string& customer, Timestamp when, std::int64_t total) {
    Order o{.id = "O" + std::to_string(++orders_),
            .customer_id = customer,
            .channel = Channel::web,
            .placed_at = when,
            .currency = *Currency::parse("USD"),
            .lines = {OrderLine{.amount_minor = total}}};
    ASSERT_TRUE(store_->put_order(o, run_).has_value());
  }
  void refresh() {
    const std::int64_t as_of = unix_seconds(at(2025, 6, 30));
    ASSERT_TRUE(segments::refresh_all(
        *store_, segments::RefreshOptions{.as_of = as_of, .as_of_fixed = true, .now = as_of}));
    ASSERT_TRUE(report::refresh_views(
        *store_, report::ViewsOptions{.as_of = as_of, .now = as_of, .currency = "USD"}));
  }
  int orders_ = 0;
};

TEST_F(DashboardApiTest, ViewsAreServedAsStoredAndNamedWhenMissing) {
  order("a", at(2025, 1, 5), 1'000);
  const Reply before = call("GET", "/api/v1/dashboard/views/overview.gregorian", {}, "reader");
  EXPECT_EQ(before.status, 404);
  EXPECT_NE(before.body.find("vafa refresh"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/dashboard/views/nonsense", {}, "reader").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/dashboard/views/overview.gregorian", {}, "").status, 401);
  refresh();
  const Reply got = call("GET", "/api/v1/dashboard/views/overview.gregorian", {}, "reader");
  ASSERT_EQ(got.status, 200);
  const Json v = body_of(got);
  EXPECT_EQ(v["name"], "overview.gregorian");
  EXPECT_EQ(v["as_of"], "2025-06-30T00:00:00Z");
  EXPECT_EQ(v["body"]["periods"][0]["revenue_minor"], 1'000);
  EXPECT_EQ(body_of(call("GET", "/api/v1/dashboard/views/clv", {}, "reader"))["body"]["run"],
            nullptr);
}

TEST_F(DashboardApiTest, CustomersAreSortedAndPagedWithoutGapsOrRepeats) {
  // Five customers, two pairs with equal revenue: the row id breaks the ties.
  const std::vector<std::pair<std::string, std::int64_t>> spend = {
      {"c1", 500}, {"c2", 900}, {"c3", 500}, {"c4", 100}, {"c5", 900}};
  for (const auto& [id, total] : spend) order(id, at(2025, 2, 1), total);
  order("c4", at(2025, 3, 1), 50);
  refresh();
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    const std::string target = "/api/v1/dashboard/customers?sort=net_revenue&limit=2" +
                               (cursor.empty() ? std::string() : "&cursor=" + cursor);
    const Reply reply = call("GET", target, {}, "reader");
    ASSERT_EQ(reply.status, 200) << reply.body;
    const Json body = body_of(reply);
    for (const Json& item : body["items"]) seen.push_back(item["customer_id"]);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"c5", "c2", "c3", "c1", "c4"}));
  const Json by_orders = body_of(
      call("GET", "/api/v1/dashboard/customers?sort=orders&order=desc&limit=1", {}, "reader"));
  EXPECT_EQ(by_orders["items"][0]["customer_id"], "c4");
  EXPECT_EQ(by_orders["items"][0]["orders"], 2);
  const Json ascending =
      body_of(call("GET", "/api/v1/dashboard/customers?sort=net_revenue&order=asc", {}, "reader"));
  EXPECT_EQ(ascending["items"][0]["customer_id"], "c4");
  EXPECT_TRUE(ascending["next_cursor"].is_null());
  for (const std::string bad : {"sort=age", "order=up", "limit=0", "cursor=12", "cursor=x~1",
                                "cursor=1~", "cursor=nan~3"}) {
    EXPECT_EQ(call("GET", "/api/v1/dashboard/customers?" + bad, {}, "reader").status, 400) << bad;
  }
}

TEST_F(DashboardApiTest, RulePreviewCountsOrPointsAtTheError) {
  order("a", at(2025, 1, 5), 1'000);
  order("a", at(2025, 2, 5), 1'000);
  order("b", at(2025, 1, 5), 1'000);
  refresh();
  const Json ok =
      body_of(call("GET", "/api/v1/segments/preview?rule=orders%20%3E%3D%202", {}, "reader"));
  EXPECT_EQ(ok["valid"], true);
  EXPECT_EQ(ok["count"], 1);
  EXPECT_EQ(ok["customers"], 2);
  const Json bad =
      body_of(call("GET", "/api/v1/segments/preview?rule=orders%20%3E%3D%20%22x%22", {}, "reader"));
  EXPECT_EQ(bad["valid"], false);
  ASSERT_EQ(bad["errors"].size(), 1U);
  EXPECT_GT(bad["errors"][0]["column"].get<int>(), 1);
  EXPECT_FALSE(bad["errors"][0]["message"].get<std::string>().empty());
  EXPECT_EQ(call("GET", "/api/v1/segments/preview", {}, "reader").status, 400);
}

}  // namespace
}  // namespace vafa::api
