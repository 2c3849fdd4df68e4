// The loyalty club over the API: earning on orders, reversal on cancellation, bonuses, the
// balance and its history, admin adjustments, and storms of concurrent earning and spending
// through the writer that leave the ledger balanced and no balance below its floor.
#include <thread>

#include <gmock/gmock.h>

#include "vafa/api/api_test_support.hpp"

namespace vafa::api {
namespace {

using testing_support::ApiFixture;

class LoyaltyApi : public ApiFixture {
 protected:
  static std::string order(const std::string& id, const std::string& customer,
                           std::int64_t amount) {
    return Json{{"id", id},
                {"customer_id", customer},
                {"currency", "AMD"},
                {"lines", {{{"sku", "tea"}, {"unit_price_minor", amount}}}}}
        .dump();
  }
};

constexpr const char* kClub = R"(
[loyalty]
currency = "AMD"
unit = "100"
pending_days = 14
bonus = { signup = 50, review = 10, first_order = 20 }
)";

TEST_F(LoyaltyApi, OrdersEarnPendingPointsThatMatureAndCancellationTakesThemBack) {
  EXPECT_EQ(call("GET", "/api/v1/customers/c1/points", {}, "reader").status, 409);  // club off
  use_club(kClub);
  const Reply created = call("POST", "/api/v1/customers", R"({"id": "c1"})");
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(body_of(created)["loyalty"]["points"], 50);
  const Reply placed = call("POST", "/api/v1/orders", order("o1", "c1", 1'234'56));
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(body_of(placed)["loyalty"]["points"], 12);  // 1,234.56 dram at 1 point per 100
  EXPECT_EQ(body_of(placed)["loyalty"]["bonus"], 20);
  EXPECT_EQ(body_of(call("POST", "/api/v1/orders", order("o2", "c1", 500'00)))["loyalty"]["bonus"],
            0);  // the first order's bonus once
  Json p = points("c1");
  EXPECT_EQ(p["available"], 70);
  EXPECT_EQ(p["pending"], 17);

  // The server's minute job, two weeks later.
  clock_.advance(std::chrono::days{15});
  std::promise<Reply> done;
  writer_->submit(service_->maintenance(), [&](Reply r) { done.set_value(std::move(r)); });
  EXPECT_EQ(body_of(done.get_future().get())["matured_points"], 17);
  p = points("c1");
  EXPECT_EQ(p["available"], 87);
  EXPECT_EQ(p["pending"], 0);

  const Reply cancelled = call("POST", "/api/v1/orders/o2/cancel");
  ASSERT_EQ(cancelled.status, 200);
  EXPECT_EQ(body_of(cancelled)["loyalty"]["points_reversed"], 5);
  EXPECT_EQ(points("c1")["available"], 82);
  const Reply review =
      call("POST", "/api/v1/events", R"({"id": "r1", "customer_id": "c1", "type": "review"})");
  EXPECT_EQ(body_of(review)["loyalty"]["points"], 10);
  EXPECT_EQ(
      body_of(call("POST", "/api/v1/events",
                   R"({"id": "r1", "customer_id": "c1", "type": "review"})"))["loyalty"]["points"],
      0);

  const Json history =
      body_of(call("GET", "/api/v1/customers/c1/points/history?limit=2", {}, "reader"));
  ASSERT_EQ(history["items"].size(), 2U);
  EXPECT_EQ(history["items"][0]["kind"], "bonus");
  EXPECT_EQ(history["items"][1]["kind"], "reverse");
  const Json rest = body_of(
      call("GET", "/api/v1/customers/c1/points/history?before=" + history["next_before"].dump(), {},
           "reader"));
  EXPECT_EQ(rest["items"].back()["kind"], "bonus");  // the signup bonus, first of all
  EXPECT_EQ(rest["next_before"], nullptr);
  EXPECT_EQ(call("GET", "/api/v1/customers/c1/points/history?before=x", {}, "reader").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/customers/ghost/points", {}, "reader").status, 404);
  EXPECT_EQ(body_of(call("GET", "/api/v1/loyalty/config", {}, "reader"))["pending_days"], 14);
  expect_sound();
}

TEST_F(LoyaltyApi, ReturnsRefundAndTakeBackExactlyTheReturnedUnits) {
  use_club("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\n");
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);
  const Reply placed = call("POST", "/api/v1/orders", R"({"id": "o1", "customer_id": "c1",
      "currency": "AMD", "lines": [{"sku": "A", "quantity": 3, "unit_price_minor": 100000},
                                   {"sku": "B", "unit_price_minor": 33333}]})");
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(body_of(placed)["loyalty"]["points"], 33);  // A earned 30, B 3

  const Reply first = call("POST", "/api/v1/orders/o1/returns", R"({"lines": [{"sku": "A"}]})");
  ASSERT_EQ(first.status, 201) << first.body;
  Json r = body_of(first);
  EXPECT_EQ(r["id"], "o1-R1");
  EXPECT_EQ(r["status"], "returned");
  EXPECT_EQ(r["return_of"], "o1");
  EXPECT_EQ(r["lines"][0]["quantity"], -1);
  EXPECT_EQ(r["lines"][0]["amount_minor"], -100000);
  EXPECT_EQ(r["loyalty"]["points_reversed"], 10);
  EXPECT_EQ(points("c1")["available"], 23);

  r = body_of(call("POST", "/api/v1/orders/o1/returns",
                   R"({"id": "rma-7", "lines": [{"sku": "A", "quantity": 2}, {"sku": "B"}]})"));
  EXPECT_EQ(r["id"], "rma-7");
  EXPECT_EQ(r["total_minor"], -(200000 + 33333));
  EXPECT_EQ(r["loyalty"]["points_reversed"], 23);
  EXPECT_EQ(points("c1")["available"], 0);
  const Reply none_left = call("POST", "/api/v1/orders/o1/returns", R"({"lines": [{"sku": "A"}]})");
  EXPECT_EQ(none_left.status, 409);
  EXPECT_THAT(body_of(none_left)["detail"].get<std::string>(),
              ::testing::HasSubstr("1 fewer unit"));
  EXPECT_EQ(call("POST", "/api/v1/orders/o1/returns", R"({"lines": [{"sku": "Z"}]})").status, 409);
  EXPECT_EQ(call("POST", "/api/v1/orders/none/returns", R"({"lines": [{"sku": "A"}]})").status,
            404);
  EXPECT_EQ(call("POST", "/api/v1/orders/o1/returns", R"({"lines": []})").status, 422);
  EXPECT_EQ(call("POST", "/api/v1/orders/rma-7/returns", R"({"lines": [{"sku": "A"}]})").status,
            409);
  // Everything came back: cancelling takes back nothing more.
  EXPECT_EQ(body_of(call("POST", "/api/v1/orders/o1/cancel"))["loyalty"]["points_reversed"], 0);
  EXPECT_EQ(points("c1")["available"], 0);
  expect_sound();
}

TEST_F(LoyaltyApi, CancellingAfterAPartialReturnTakesBackOnlyTheRest) {
  use_club("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\nbonus = { signup = 100 }\n");
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);         // 100
  ASSERT_EQ(call("POST", "/api/v1/orders", order("o1", "c1", 5'000'00)).status, 201);  // +50
  ASSERT_EQ(call("POST", "/api/v1/customers/c1/points/adjustments",
                 R"({"points": -120, "reason": "spent"})", "admin", "spend-1")
                .status,
            201);  // the signup's 100 first, then 20 of o1's
  ASSERT_EQ(
      call("POST", "/api/v1/orders/o1/returns", R"({"lines": [{"sku": "tea", "quantity": 1}]})")
          .status,
      201);  // o1 had one unit: all 50 points, 30 from the lot, 20 written off
  EXPECT_EQ(points("c1")["available"], 0);
  EXPECT_EQ(body_of(call("POST", "/api/v1/orders/o1/cancel"))["loyalty"]["points_reversed"], 0);
  expect_sound();
}

TEST_F(LoyaltyApi, AdjustmentsAreForAdminsNamedByTheirKeyAndNeverOverdraw) {
  use_club(kClub);
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);  // 50 points
  const std::string take = R"({"points": -40, "reason": "redeemed at the till"})";
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/points/adjustments", take, "writer", "t1").status,
            403);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/points/adjustments", take, "admin").status, 400);
  const Reply first = call("POST", "/api/v1/customers/c1/points/adjustments", take, "admin", "t1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(body_of(first)["available"], 10);
  const Reply again = call("POST", "/api/v1/customers/c1/points/adjustments", take, "admin", "t1");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(points("c1")["available"], 10);
  const Reply overdraw =
      call("POST", "/api/v1/customers/c1/points/adjustments", take, "admin", "t2");
  EXPECT_EQ(overdraw.status, 409);
  EXPECT_THAT(body_of(overdraw)["detail"].get<std::string>(), ::testing::HasSubstr("only 10"));
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/points/adjustments",
                 R"({"points": 0, "reason": ""})", "admin", "t3")
                .status,
            422);
  expect_sound();
}

TEST_F(LoyaltyApi, ConcurrentEarningAndSpendingKeepTheLedgerBalanced) {
  use_club("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\n");
  constexpr int kCustomers = 4;
  for (int c = 0; c < kCustomers; ++c) {
    ASSERT_EQ(call("POST", "/api/v1/customers", Json{{"id", fmt::format("c{}", c)}}.dump()).status,
              201);
  }
  // Eight threads: half place orders (10 points each), half take 7 points back at a time; the
  // service's first step runs on each thread's own store, as in the server.
  std::vector<std::thread> threads;
  std::atomic<int> taken{0}, refused{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto store = open_store(path());
      ASSERT_TRUE(store.has_value());
      for (int i = 0; i < 40; ++i) {
        const std::string customer = fmt::format("c{}", (t + i) % kCustomers);
        Request request{.authorization = "Bearer " + admin_, .content_type = "application/json"};
        if (t % 2 == 0) {
          request.method = "POST";
          request.target = "/api/v1/orders";
          request.body = order(fmt::format("o{}-{}", t, i), customer, 1'000'00);
        } else {
          request.method = "POST";
          request.target = "/api/v1/customers/" + customer + "/points/adjustments";
          request.idempotency_key = fmt::format("spend-{}-{}", t, i);
          request.body = R"({"points": -7, "reason": "spent"})";
        }
        Step step = service_->handle(**store, request);
        ASSERT_TRUE(std::holds_alternative<WriteJob>(step));
        std::promise<Reply> answer;
        writer_->submit(std::move(std::get<WriteJob>(step)),
                        [&](Reply r) { answer.set_value(std::move(r)); });
        const Reply reply = answer.get_future().get();
        if (t % 2 == 1) {
          if (reply.status == 201)
            ++taken;
          else if (reply.status == 409)
            ++refused;
          else
            ADD_FAILURE() << reply.status << " " << reply.body;
        } else {
          EXPECT_EQ(reply.status, 201) << reply.body;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken + refused, 4 * 40);
  std::int64_t available = 0;
  for (int c = 0; c < kCustomers; ++c) {
    const Json p = points(fmt::format("c{}", c));
    EXPECT_GE(p["available"].get<std::int64_t>(), 0);  // the floor without allow_negative
    available += p["available"].get<std::int64_t>();
  }
  EXPECT_EQ(available, 4 * 40 * 10 - 7 * taken);
  expect_sound();
}

}  // namespace
}  // namespace vafa::api

namespace vafa::api {
namespace {

class RewardsApi : public testing_support::ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    use_club("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\nbonus = { signup = 100 }\n");
  }
};

TEST_F(RewardsApi, RedemptionsSpendPointsTakeStockAndIssueUniqueVouchers) {
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);  // 100 points
  const std::string coffee = R"({"code": "free-coffee", "name": "Սուրճ / قهوه", "cost": 30,
      "stock": 2, "per_customer": 3, "voucher_days": 30})";
  EXPECT_EQ(call("POST", "/api/v1/rewards", coffee, "writer").status, 403);
  const Reply created = call("POST", "/api/v1/rewards", coffee, "admin");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(call("POST", "/api/v1/rewards", coffee, "admin").status, 409);
  EXPECT_EQ(
      call("POST", "/api/v1/rewards", R"({"code": "bad code", "name": "x", "cost": 0})", "admin")
          .status,
      422);

  const Reply first =
      call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "free-coffee"})");
  ASSERT_EQ(first.status, 201) << first.body;
  const Json v1 = body_of(first);
  EXPECT_THAT(v1["voucher"].get<std::string>(),
              ::testing::MatchesRegex("VF-[0-9A-Z]{5}-[0-9A-Z]{5}"));
  EXPECT_EQ(v1["available"], 70);
  EXPECT_EQ(v1["expires_at"], "2026-03-31T00:00:00Z");
  const Json v2 =
      body_of(call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "free-coffee"})"));
  EXPECT_NE(v2["voucher"], v1["voucher"]);
  const Reply out =
      call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "free-coffee"})");
  EXPECT_EQ(out.status, 409);
  EXPECT_THAT(body_of(out)["detail"].get<std::string>(), ::testing::HasSubstr("out of stock"));
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c1/points", {}, "reader"))["available"], 40);
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c1/points", {}, "reader"))["redeemed"], 60);

  // Restocked, but the points run short: refused, and the unit goes back.
  ASSERT_EQ(
      call("PATCH", "/api/v1/rewards/free-coffee", R"({"stock": 5, "cost": 50})", "admin").status,
      200);
  const Reply poor =
      call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "free-coffee"})");
  EXPECT_EQ(poor.status, 409);
  EXPECT_THAT(body_of(poor)["detail"].get<std::string>(),
              ::testing::HasSubstr("needs 50 points; 40"));
  const Json rewards = body_of(call("GET", "/api/v1/rewards", {}, "reader"));
  EXPECT_EQ(rewards["items"][0]["stock"], 5);
  EXPECT_EQ(rewards["items"][0]["name"], "Սուրճ / قهوه");
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c1/redemptions", {}, "reader"))["items"].size(),
            2U);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "nothing"})").status,
            404);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": 5})").status, 422);
  ASSERT_EQ(call("PATCH", "/api/v1/rewards/free-coffee", R"({"active": false, "cost": 1})", "admin")
                .status,
            200);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "free-coffee"})").status,
            409);
  EXPECT_EQ(call("PATCH", "/api/v1/rewards/none", R"({"stock": 1})", "admin").status, 404);
  const LedgerCheck check = store_->check_points().value();
  EXPECT_EQ(check.total, 0);
  EXPECT_EQ(check.unbalanced_txns + check.wrong_balances + check.lots_not_matching, 0);
}

TEST_F(RewardsApi, PerCustomerLimitsHold) {
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);
  ASSERT_EQ(call("POST", "/api/v1/rewards", R"({"code": "tote", "name": "Tote bag", "cost": 10,
      "per_customer": 1})",
                 "admin")
                .status,
            201);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "tote"})").status, 201);
  EXPECT_EQ(call("POST", "/api/v1/customers/c1/redemptions", R"({"reward": "tote"})").status, 409);
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c1/points", {}, "reader"))["available"], 90);
}

TEST_F(RewardsApi, TiersShowInPointsAndAdminsInvite) {
  use_club(R"(
[loyalty]
currency = "AMD"
unit = "100"
[[loyalty.tier]]
name = "member"
threshold = 0
[[loyalty.tier]]
name = "gold"
threshold = 100
percent = 200
[[loyalty.tier]]
name = "vip"
invitation_only = true
priority_support = true
)");
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);
  ASSERT_EQ(call("POST", "/api/v1/orders",
                 Json{{"id", "o1"},
                      {"customer_id", "c1"},
                      {"currency", "AMD"},
                      {"lines", {{{"sku", "a"}, {"unit_price_minor", 12'000'00}}}}}
                     .dump())
                .status,
            201);
  Json tier = body_of(call("GET", "/api/v1/customers/c1/points", {}, "reader"))["tier"];
  EXPECT_EQ(tier["name"], "gold");
  EXPECT_EQ(tier["value"], 120);
  EXPECT_EQ(tier["next"], nullptr);
  EXPECT_EQ(call("PUT", "/api/v1/customers/c1/tier", R"({"tier": "vip"})", "writer").status, 403);
  const Reply invited = call("PUT", "/api/v1/customers/c1/tier", R"({"tier": "vip"})", "admin");
  ASSERT_EQ(invited.status, 200) << invited.body;
  EXPECT_EQ(body_of(invited)["priority_support"], true);
  EXPECT_EQ(call("PUT", "/api/v1/customers/c1/tier", R"({"tier": "bronze"})", "admin").status, 404);
  EXPECT_EQ(call("PUT", "/api/v1/customers/c1/tier", R"({"level": 1})", "admin").status, 422);
  const Json full = body_of(call("GET", "/api/v1/customers/c1/tier", {}, "reader"));
  EXPECT_EQ(full["name"], "vip");
  EXPECT_EQ(full["invited"], true);
  ASSERT_EQ(full["history"].size(), 2U);
  EXPECT_EQ(full["history"][0]["to"], "gold");
  ASSERT_EQ(call("PUT", "/api/v1/customers/c1/tier", R"({"tier": null})", "admin").status, 200);
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c1/tier", {}, "reader"))["name"], "gold");
}

}  // namespace
}  // namespace vafa::api
