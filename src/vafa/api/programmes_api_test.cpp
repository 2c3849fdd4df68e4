// Referrals, affiliates, order gifts, transfers and birthday bonuses over the API
// (docs/loyalty.md): what each credits, what undoing an order takes back, what is refused, and
// that the points ledger stays sound throughout.
#include <future>

#include <gmock/gmock.h>

#include "vafa/api/api_test_support.hpp"
#include "vafa/core/text.hpp"

namespace vafa::api {
namespace {

using testing_support::ApiFixture;

constexpr const char* kClub = R"(
[loyalty]
currency = "AMD"
unit = "100"
minimum_order = "1000"
pending_days = 14
bonus = { birthday = 30 }

[loyalty.referral]
referrer = 500
referee = 200
minimum_order = "5000"

[[loyalty.gift]]
name = "book-week"
reward = "bookmark"
minimum_order = "20000"
categories = ["books"]
)";

class ProgrammesApi : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    use_club(kClub);
  }
  static std::string order(const std::string& id, const std::string& customer, std::int64_t amount,
                           const std::string& sku = "tea", const std::string& affiliate = {}) {
    Json o = {{"id", id},
              {"customer_id", customer},
              {"currency", "AMD"},
              {"lines", {{{"sku", sku}, {"quantity", 2}, {"unit_price_minor", amount / 2}}}}};
    if (!affiliate.empty()) o["affiliate"] = affiliate;
    return o.dump();
  }
  static std::string customer(const std::string& id, const std::string& email,
                              const std::string& code = {}) {
    Json c = {{"id", id}, {"identities", {{{"kind", "email"}, {"value", email}}}}};
    if (!code.empty()) c["referred_by"] = code;
    return c.dump();
  }
  Json run_maintenance() {
    std::promise<Reply> done;
    writer_->submit(service_->maintenance(), [&](Reply r) { done.set_value(std::move(r)); });
    return body_of(done.get_future().get());
  }
};

TEST_F(ProgrammesApi, AReferralCreditsBothOnTheRefereesFirstQualifyingOrderAfterThePendingPeriod) {
  ASSERT_EQ(call("POST", "/api/v1/customers", customer("c1", "ali.r@gmail.com")).status, 201);
  const Reply made = call("POST", "/api/v1/customers/c1/referral-code");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string code = body_of(made)["code"];
  EXPECT_THAT(code, testing::MatchesRegex("[0-9A-Z]{4}-[0-9A-Z]{4}"));
  const Reply again = call("POST", "/api/v1/customers/c1/referral-code");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(body_of(again)["code"], code);

  // Refused: an unknown code, one's own code, and another account of the same person.
  EXPECT_EQ(call("POST", "/api/v1/customers", customer("c9", "x@y.am", "NOPE-NOPE")).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/referrer", Json{{"code", code}}.dump()).status, 409);
  const Reply alias =
      call("POST", "/api/v1/customers", customer("c3", "Ali.R+promo@googlemail.com", code));
  EXPECT_EQ(alias.status, 409) << alias.body;
  EXPECT_THAT(alias.body, testing::HasSubstr("email:alir@gmail.com"));
  EXPECT_EQ(call("GET", "/api/v1/customers/c3", {}, "reader").status, 404);  // undone whole

  // A new customer with the code (lower case is fine); a second referral is refused.
  const Reply c2 = call("POST", "/api/v1/customers", customer("c2", "sara@example.am", "x"));
  EXPECT_EQ(c2.status, 404);
  const Reply joined =
      call("POST", "/api/v1/customers", customer("c2", "sara@example.am", to_lower_ascii(code)));
  ASSERT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(body_of(joined)["referral"]["status"], "waiting");
  EXPECT_EQ(body_of(joined)["referral"]["referrer"], "c1");
  EXPECT_EQ(call("POST", "/api/v1/customers/c2/referrer", Json{{"code", code}}.dump()).status, 409);

  // Below the referral's minimum: no credit; the next order that reaches it credits both.
  EXPECT_FALSE(body_of(
      call("POST", "/api/v1/orders", order("o1", "c2", 2000'00)))["loyalty"]["referral_credited"]);
  const Reply qualifying = call("POST", "/api/v1/orders", order("o2", "c2", 6000'00));
  EXPECT_TRUE(body_of(qualifying)["loyalty"]["referral_credited"]) << qualifying.body;
  EXPECT_EQ(points("c1")["pending"], 500);
  EXPECT_EQ(points("c2")["pending"], 200 + 20 + 60);
  Json list = body_of(call("GET", "/api/v1/customers/c1/referrals", {}, "reader"));
  EXPECT_EQ(list["code"], code);
  ASSERT_EQ(list["referrals"].size(), 1U);
  EXPECT_EQ(list["referrals"][0]["status"], "credited");
  EXPECT_EQ(list["referrals"][0]["order_id"], "o2");
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c2/referrals", {},
                         "reader"))["referred_by"]["referrer"],
            "c1");

  // Cancelled within the pending period: both bonuses go, and the referral waits again.
  const Reply cancelled = call("POST", "/api/v1/orders/o2/cancel");
  EXPECT_EQ(body_of(cancelled)["loyalty"]["referral_points_reversed"], 700);
  EXPECT_EQ(points("c1")["pending"], 0);
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c1/referrals", {},
                         "reader"))["referrals"][0]["status"],
            "waiting");
  // A customer who has ordered can no longer be referred.
  ASSERT_EQ(call("POST", "/api/v1/customers", customer("c4", "nare@example.am")).status, 201);
  ASSERT_EQ(call("POST", "/api/v1/orders", order("o4", "c4", 6000'00)).status, 201);
  EXPECT_EQ(call("POST", "/api/v1/customers/c4/referrer", Json{{"code", code}}.dump()).status, 409);

  // The next qualifying order credits again; once the period is over the bonuses stand.
  ASSERT_EQ(call("POST", "/api/v1/orders", order("o3", "c2", 5000'00)).status, 201);
  clock_.advance(std::chrono::days{15});
  EXPECT_EQ(run_maintenance()["matured_points"], 500 + 200 + 20 + 50 + 60);
  EXPECT_EQ(points("c1")["available"], 500);
  EXPECT_EQ(
      body_of(call("POST", "/api/v1/orders/o3/cancel"))["loyalty"]["referral_points_reversed"], 0);
  EXPECT_EQ(points("c1")["available"], 500);
  expect_sound();
}

TEST_F(ProgrammesApi, AffiliatesEarnACommissionThatReturnsAndCancellationsTakeBackInTheirPeriod) {
  const std::string partner = R"({"code": "blog-7", "name": "Tea blog", "rate_bp": 750})";
  EXPECT_EQ(call("POST", "/api/v1/affiliates", partner).status, 403);  // writers may not
  ASSERT_EQ(call("POST", "/api/v1/affiliates", partner, "admin").status, 201);
  EXPECT_EQ(call("POST", "/api/v1/affiliates", partner, "admin").status, 409);
  EXPECT_EQ(
      call("POST", "/api/v1/affiliates", R"({"code": "x", "name": "X", "rate_bp": 20000})", "admin")
          .status,
      422);
  ASSERT_EQ(call("POST", "/api/v1/customers", customer("c1", "a@b.am")).status, 201);

  const Reply unknown = call("POST", "/api/v1/orders", order("o0", "c1", 1000'00, "tea", "nope"));
  EXPECT_EQ(unknown.status, 422);
  EXPECT_THAT(unknown.body, testing::HasSubstr("/affiliate"));
  EXPECT_EQ(call("GET", "/api/v1/orders/o0", {}, "reader").status, 404);

  // 7.5% of 1,000.01 is 75.00075: floored to 75.00.
  const Reply placed = call("POST", "/api/v1/orders", order("o1", "c1", 1000'02, "tea", "blog-7"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(body_of(placed)["affiliate"]["commission_minor"], 75'00);
  ASSERT_EQ(call("POST", "/api/v1/orders", order("o2", "c1", 400'00, "tea", "blog-7")).status, 201);

  // In the next month: one unit of o1 back, then the other; o2 cancelled.
  clock_.advance(std::chrono::days{31});
  const Reply first =
      call("POST", "/api/v1/orders/o1/returns", R"({"lines": [{"sku": "tea", "quantity": 1}]})");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(body_of(first)["affiliate"]["commission_minor"], -37'50);
  const Reply second =
      call("POST", "/api/v1/orders/o1/returns", R"({"lines": [{"sku": "tea", "quantity": 1}]})");
  EXPECT_EQ(body_of(second)["affiliate"]["commission_minor"], -37'50);  // the whole 75.00 back
  EXPECT_EQ(body_of(call("POST", "/api/v1/orders/o2/cancel"))["affiliate"]["commission_minor"],
            -30'00);

  const Json march =
      body_of(call("GET", "/api/v1/affiliates/payable?from=2026-03-01&to=2026-04-01", {}, "admin"));
  ASSERT_EQ(march["items"].size(), 1U);
  EXPECT_EQ(march["items"][0]["orders"], 2);
  EXPECT_EQ(march["items"][0]["sales_minor"], 1400'02);
  EXPECT_EQ(march["items"][0]["commission_minor"], 105'00);
  const Json april =
      body_of(call("GET", "/api/v1/affiliates/payable?from=2026-04-01&to=2026-05-01", {}, "admin"));
  EXPECT_EQ(april["items"][0]["returns"], 2);
  EXPECT_EQ(april["items"][0]["cancellations"], 1);
  EXPECT_EQ(april["items"][0]["commission_minor"], -105'00);
  EXPECT_EQ(call("GET", "/api/v1/affiliates/payable?from=2026-04-01", {}, "admin").status, 400);

  // An inactive affiliate: the order is taken, without commission.
  ASSERT_EQ(call("PATCH", "/api/v1/affiliates/blog-7", R"({"active": false})", "admin").status,
            200);
  const Reply quiet = call("POST", "/api/v1/orders", order("o3", "c1", 1000'00, "tea", "blog-7"));
  ASSERT_EQ(quiet.status, 201);
  EXPECT_TRUE(body_of(quiet)["affiliate"]["commission_minor"].is_null());
}

TEST_F(ProgrammesApi,
       GiftRulesGiveAVoucherThatCancellationVoidsAndTransfersMoveAvailablePointsOnce) {
  ASSERT_EQ(call("POST", "/api/v1/rewards",
                 R"({"code": "bookmark", "name": "Bookmark", "cost": 1, "stock": 1})", "admin")
                .status,
            201);
  ASSERT_TRUE(
      store_->upsert_product(Product{.sku = "atlas", .name = "Atlas", .category = "books"}));
  ASSERT_EQ(call("POST", "/api/v1/customers", customer("c1", "a@b.am")).status, 201);
  ASSERT_EQ(call("POST", "/api/v1/customers", customer("c2", "c@d.am")).status, 201);

  EXPECT_TRUE(
      body_of(call("POST", "/api/v1/orders", order("o1", "c1", 25000'00)))["loyalty"]["gifts"]
          .empty());  // not a book
  const Reply books = call("POST", "/api/v1/orders", order("o2", "c1", 25000'00, "atlas"));
  const Json gifts = body_of(books)["loyalty"]["gifts"];
  ASSERT_EQ(gifts.size(), 1U) << books.body;
  EXPECT_EQ(gifts[0]["reward"], "bookmark");
  EXPECT_TRUE(gifts[0]["gift"]);
  const Reply none_left = call("POST", "/api/v1/orders", order("o3", "c2", 25000'00, "atlas"));
  EXPECT_THAT(body_of(none_left)["loyalty"]["notes"][0].get<std::string>(),
              testing::HasSubstr("out of stock"));
  EXPECT_EQ(body_of(call("POST", "/api/v1/orders/o2/cancel"))["loyalty"]["gifts_voided"], 1);
  EXPECT_EQ(store_->get_reward("bookmark").value()->stock, 1);  // the unit is back
  const Json mine = body_of(call("GET", "/api/v1/customers/c1/redemptions", {}, "reader"));
  EXPECT_FALSE(mine["items"][0]["voided_at"].is_null());

  // Transfers: available points only, named by their key, the same key once.
  clock_.advance(std::chrono::days{15});
  run_maintenance();
  const std::int64_t had = points("c1")["available"];
  ASSERT_GT(had, 100);
  const std::string move = R"({"to": "c2", "points": 100})";
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/points/transfers", move).status, 400);  // no key
  const Reply moved =
      call("POST", "/api/v1/customers/c1/points/transfers", move, "writer", "gift-to-sister");
  ASSERT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(body_of(moved)["available"], had - 100);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/points/transfers", move, "writer", "gift-to-sister")
                .status,
            201);  // replayed
  EXPECT_EQ(points("c1")["available"], had - 100);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/points/transfers",
                 R"({"to": "c2", "points": 100000000})", "writer", "too-much")
                .status,
            409);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/points/transfers", R"({"to": "c1", "points": 1})",
                 "writer", "self")
                .status,
            422);
  expect_sound();
}

TEST_F(ProgrammesApi, BirthdaysEarnTheirBonusOnceADay) {
  // The clock stands at 2026-03-01; 29 February birthdays count on 28 February in other years.
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "b1", "birthday": "1990-03-01"})").status,
            201);
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "b2", "birthday": "1992-02-29"})").status,
            201);
  EXPECT_EQ(run_maintenance()["birthday_bonuses"], 1);
  EXPECT_EQ(run_maintenance()["birthday_bonuses"], 0);  // the day is done
  EXPECT_EQ(points("b1")["available"], 30);
  clock_.advance(std::chrono::days{364});  // 2027-02-28
  EXPECT_EQ(run_maintenance()["birthday_bonuses"], 1);
  EXPECT_EQ(points("b2")["available"], 30);
  expect_sound();
}

TEST_F(ProgrammesApi, ExpiringPointsAreListedForReminderCampaignsPageByPage) {
  use_club("[loyalty]\ncurrency = \"AMD\"\nexpiry = { policy = \"rolling\", days = 30 }\n");
  for (const std::string id : {"e1", "e2", "e3"}) {
    ASSERT_EQ(call("POST", "/api/v1/customers", Json{{"id", id}}.dump()).status, 201);
    ASSERT_EQ(call("POST", "/api/v1/customers/" + id + "/points/adjustments",
                   R"({"points": 40, "reason": "welcome"})", "admin", "welcome-" + id)
                  .status,
              201);
  }
  EXPECT_TRUE(
      body_of(call("GET", "/api/v1/loyalty/expiring?days=29", {}, "reader"))["items"].empty());
  const Json first = body_of(call("GET", "/api/v1/loyalty/expiring?days=30&limit=2", {}, "reader"));
  ASSERT_EQ(first["items"].size(), 2U);
  EXPECT_EQ(first["items"][0]["customer_id"], "e1");
  EXPECT_EQ(first["items"][0]["points"], 40);
  EXPECT_EQ(first["items"][0]["first_expiry"], "2026-03-31T00:00:00Z");
  const Json rest = body_of(call("GET",
                                 fmt::format("/api/v1/loyalty/expiring?days=30&limit=2&cursor={}",
                                             first["next_cursor"].get<std::int64_t>()),
                                 {}, "reader"));
  ASSERT_EQ(rest["items"].size(), 1U);
  EXPECT_EQ(rest["items"][0]["customer_id"], "e3");
  EXPECT_TRUE(rest["next_cursor"].is_null());
  EXPECT_EQ(call("GET", "/api/v1/loyalty/expiring?days=0", {}, "reader").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/loyalty/expiring?cursor=x", {}, "reader").status, 400);
}

}  // namespace
}  // namespace vafa::api
