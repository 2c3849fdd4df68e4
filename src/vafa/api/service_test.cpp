// The /api/v1 routes on a real store: resources, authentication and roles, validation with
// pointers, idempotent writes, and the OpenAPI document checked against the route table.
#include "vafa/api/service.hpp"

#include <set>

#include <gmock/gmock.h>

#include "vafa/api/api_test_support.hpp"
#include "vafa/api/server.hpp"

namespace vafa::api {
namespace {

using ::testing::HasSubstr;
using testing_support::ApiFixture;

class ServiceTest : public ApiFixture {};

const char* kAni = R"({"id": "c1", "name": "Ani", "country": "am", "locale": "hy-AM",
  "identities": [{"kind": "email", "value": "Ani@Example.AM"}, {"kind": "phone", "value": "091 123456"}],
  "consent": {"email": true, "sms": false}})";

const char* kOrder = R"({"id": "o1", "customer_id": "c1", "channel": "web", "currency": "AMD",
  "placed_at": "2026-02-01T10:00:00Z",
  "lines": [{"sku": "TEA", "quantity": 2, "unit_price_minor": 150000},
            {"sku": "CUP", "amount_minor": 90000}]})";

TEST_F(ServiceTest, OpenApiDocumentDescribesExactlyTheRoutes) {
  const Json doc = Json::parse(openapi_document());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(upper, path);
      EXPECT_TRUE(operation.contains("responses")) << method << " " << path;
    }
  }
  std::set<std::pair<std::string, std::string>> served = {
      {"GET", "/healthz"}, {"GET", "/metrics"}, {"GET", "/api/v1/openapi.json"}};
  for (const Route& route : Service::routes()) {
    served.emplace(std::string(route.method), std::string(route.pattern));
  }
  EXPECT_EQ(documented, served);
}

TEST_F(ServiceTest, CustomersAreCreatedFoundByIdentityAndMerged) {
  const Reply created = call("POST", "/api/v1/customers", kAni);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(header(created, "Location"), "/api/v1/customers/c1");
  Json c = body_of(created);
  EXPECT_EQ(c["country"], "AM");
  EXPECT_EQ(c["created_at"], "2026-03-01T00:00:00Z");
  EXPECT_EQ(c["identities"][0]["value"], "ani@example.am");
  EXPECT_EQ(c["identities"][1]["value"], "+37491123456");  // the server's calling code
  EXPECT_EQ(c["consent"]["sms"], false);

  EXPECT_EQ(call("POST", "/api/v1/customers", kAni).status, 409);
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers?email=ANI%40example.am", {}, "reader"))["id"],
            "c1");
  EXPECT_EQ(
      body_of(call("GET", "/api/v1/customers?phone=%2B374%2091%20123456", {}, "reader"))["id"],
      "c1");
  EXPECT_EQ(call("GET", "/api/v1/customers?card=NOPE", {}, "reader").status, 404);
  const Reply two = call("GET", "/api/v1/customers?email=a%40b.am&card=1", {}, "reader");
  EXPECT_EQ(two.status, 422);
  EXPECT_EQ(call("GET", "/api/v1/customers?email=not-an-email", {}, "reader").status, 422);

  clock_.set(testing_support::at(2026, 4, 1));
  const Reply patched =
      call("PATCH", "/api/v1/customers/c1",
           R"({"name": "Անի", "identities": [{"kind": "card", "value": "vf-7"}]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  c = body_of(patched);
  EXPECT_EQ(c["name"], "Անի");
  EXPECT_EQ(c["country"], "AM");                       // kept
  EXPECT_EQ(c["created_at"], "2026-03-01T00:00:00Z");  // an update is not a first sighting
  EXPECT_EQ(c["identities"].size(), 3U);
  EXPECT_EQ(call("PATCH", "/api/v1/customers/nobody", R"({"name": "x"})").status, 404);
  EXPECT_EQ(call("PATCH", "/api/v1/customers/c1", R"({"id": "c2"})").status, 422);

  // An identity of another customer is a conflict and changes nothing.
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c2"})").status, 201);
  const Reply stolen =
      call("PATCH", "/api/v1/customers/c2",
           R"({"name": "Thief", "identities": [{"kind": "card", "value": "VF-7"}]})");
  EXPECT_EQ(stolen.status, 409);
  EXPECT_EQ(body_of(call("GET", "/api/v1/customers/c2", {}, "reader"))["name"], "");
}

TEST_F(ServiceTest, KeysAndRolesAreEnforced) {
  const Reply none = call("GET", "/api/v1/customers/c1", {}, "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(header(none, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(none.content_type, "application/problem+json");
  EXPECT_EQ(call("GET", "/api/v1/customers/c1", {}, "vafa_notakey").status, 401);
  const Reply reader_writes = call("POST", "/api/v1/customers", kAni, "reader");
  EXPECT_EQ(reader_writes.status, 403);
  EXPECT_THAT(body_of(reader_writes)["detail"].get<std::string>(), HasSubstr("needs writer"));
  EXPECT_EQ(call("GET", "/api/v1/keys", {}, "writer").status, 403);
  const Reply keys = call("GET", "/api/v1/keys", {}, "admin");
  ASSERT_EQ(keys.status, 200);
  EXPECT_EQ(body_of(keys)["items"].size(), 3U);
  EXPECT_EQ(keys.body.find(writer_key_), std::string::npos);  // never a secret
  // Unknown routes and methods answer before authentication.
  EXPECT_EQ(call("GET", "/api/v1/nothing", {}, "").status, 404);
  const Reply wrong = call("DELETE", "/api/v1/orders/o1", {}, "");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(header(wrong, "Allow"), "GET");
  // A revoked key stops working at once.
  ASSERT_TRUE(store_->revoke_api_key("reports", 2));
  EXPECT_EQ(call("GET", "/api/v1/segments", {}, "reader").status, 401);
}

TEST_F(ServiceTest, OrdersAreCreatedOnceCancelledAndNeedAKnownCustomer) {
  EXPECT_EQ(call("POST", "/api/v1/orders", kOrder).status, 404);  // no customer c1 yet
  ASSERT_EQ(call("POST", "/api/v1/customers", kAni).status, 201);
  const Reply created = call("POST", "/api/v1/orders", kOrder);
  ASSERT_EQ(created.status, 201) << created.body;
  Json o = body_of(created);
  EXPECT_EQ(o["total_minor"], 2 * 150000 + 90000);
  EXPECT_EQ(o["lines"][0]["amount_minor"], 300000);
  EXPECT_EQ(o["lines"][1]["unit_price_minor"], nullptr);
  EXPECT_EQ(header(created, "Location"), "/api/v1/orders/o1");
  EXPECT_EQ(call("POST", "/api/v1/orders", kOrder).status, 409);
  EXPECT_EQ(body_of(call("GET", "/api/v1/orders/o1", {}, "reader")), o);
  EXPECT_EQ(store_->stats().value().revenue_minor.at("AMD"), 390000);

  const Reply cancelled = call("POST", "/api/v1/orders/o1/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(body_of(cancelled)["status"], "cancelled");
  EXPECT_EQ(store_->stats().value().revenue_minor.count("AMD"), 0U);
  EXPECT_EQ(call("POST", "/api/v1/orders/none/cancel").status, 404);
  EXPECT_EQ(call("POST", "/api/v1/orders/o1/cancel", R"({"why": 1})").status, 400);

  // A guest order needs no customer; ids are path-encoded in Location.
  const Reply guest =
      call("POST", "/api/v1/orders",
           R"({"id": "g/1 ?", "currency": "USD", "lines": [{"sku": "A", "unit_price_minor": 5}]})");
  ASSERT_EQ(guest.status, 201) << guest.body;
  EXPECT_EQ(header(guest, "Location"), "/api/v1/orders/g%2F1%20%3F");
  EXPECT_EQ(body_of(call("GET", "/api/v1/orders/g%2F1%20%3F", {}, "reader"))["customer_id"],
            nullptr);
}

TEST_F(ServiceTest, AnIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherRequest) {
  ASSERT_EQ(call("POST", "/api/v1/customers", kAni).status, 201);
  const Reply first = call("POST", "/api/v1/orders", kOrder, "writer", "order-o1-attempt");
  ASSERT_EQ(first.status, 201);
  const Reply retry = call("POST", "/api/v1/orders", kOrder, "writer", "order-o1-attempt");
  EXPECT_EQ(retry.status, 201);
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(header(retry, "Idempotent-Replayed"), "true");
  EXPECT_EQ(header(retry, "Location"), "/api/v1/orders/o1");
  EXPECT_EQ(store_->stats().value().orders, 1);
  const Reply other = call("POST", "/api/v1/events", R"({"customer_id": "c1", "type": "x"})",
                           "writer", "order-o1-attempt");
  EXPECT_EQ(other.status, 422);
  // A failed write keeps no answer: fixing it and retrying under the same key works.
  const std::string bad = R"({"id": "o2", "customer_id": "nobody", "currency": "AMD",
                              "lines": [{"sku": "A", "unit_price_minor": 1}]})";
  EXPECT_EQ(call("POST", "/api/v1/orders", bad, "writer", "k2").status, 404);
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "nobody"})").status, 201);
  EXPECT_EQ(call("POST", "/api/v1/orders", bad, "writer", "k2").status, 201);
  // Keys are checked on reads and for shape.
  EXPECT_EQ(call("GET", "/api/v1/orders/o1", {}, "reader", "k3").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/orders", kOrder, "writer", "bad key").status, 400);
}

TEST_F(ServiceTest, BadBodiesGetWhereAndWhy) {
  const Reply malformed = call("POST", "/api/v1/customers", "{\"id\": \"c1\",\n \"name\": }");
  ASSERT_EQ(malformed.status, 400);
  const Json m = body_of(malformed);
  EXPECT_EQ(m["line"], 2);
  EXPECT_EQ(m["column"], 10);
  EXPECT_THAT(m["detail"].get<std::string>(), HasSubstr("line 2, column 10"));

  const Reply types = call("POST", "/api/v1/orders", R"({"id": 7, "currency": "ZZZ",
      "placed_at": "yesterday", "lines": [{"sku": "A", "quantity": 1.5, "unit_price_minor": -1},
      "x"], "colour": "red"})");
  ASSERT_EQ(types.status, 422);
  std::set<std::string> pointers;
  const Json problems = body_of(types);
  for (const Json& e : problems["errors"]) pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/id", "/currency", "/placed_at", "/lines/0/quantity",
                                             "/lines/0/unit_price_minor", "/lines/1", "/colour"}));
  EXPECT_EQ(call("POST", "/api/v1/customers", "[1, 2]").status, 422);
  // Found by the fuzzer: a number too large for a double once escaped as an exception.
  EXPECT_EQ(call("POST", "/api/v1/customers", R"({"id": "x", "n": 111e1111})").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/customers/a%20b/events\x01", {}, "reader").status, 400);

  EXPECT_EQ(call("POST", "/api/v1/customers", R"({"id": ""})").status, 422);
  EXPECT_EQ(call("POST", "/api/v1/customers", R"({"id": "a\u0000b"})").status, 422);
  EXPECT_EQ(call("POST", "/api/v1/customers", R"({"id": "x", "time_zone": "Mars Base"})").status,
            422);
  EXPECT_EQ(call("POST", "/api/v1/customers", "{\"id\": \"\xff\"}").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/customers", R"({"id": ")" + std::string(201, 'a') + "\"}").status,
            422);
  EXPECT_EQ(call("POST", "/api/v1/orders", R"({"id": "o", "currency": "USD", "lines": [
      {"sku": "A", "unit_price_minor": 100, "quantity": 99999999999999}]})")
                .status,
            422);
  EXPECT_EQ(call("GET", "/api/v1/customers/c1/events?limit=0", {}, "reader").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/customers/%zz", {}, "reader").status, 400);

  Request plain{.method = "POST",
                .target = "/api/v1/customers",
                .authorization = "Bearer " + writer_key_,
                .content_type = "text/plain",
                .body = kAni};
  EXPECT_EQ(std::get<Reply>(service_->handle(*store_, plain)).status, 415);
}

TEST_F(ServiceTest, InjectionStringsAreStoredVerbatim) {
  const std::string name =
      R"(Robert'); DROP TABLE customers; -- <script>alert("x")</script> %s %n {{7*7}})";
  const Json body = {{"id", "c'1\"--"}, {"name", name}};
  ASSERT_EQ(call("POST", "/api/v1/customers", body.dump()).status, 201);
  const Reply got = call("GET", "/api/v1/customers/c'1%22--", {}, "reader");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(body_of(got)["name"], name);
  EXPECT_EQ(store_->stats().value().customers, 1);
  const Reply event =
      call("POST", "/api/v1/events",
           Json{{"customer_id", "c'1\"--"}, {"type", "review"}, {"properties", {{"text", name}}}}
               .dump());
  ASSERT_EQ(event.status, 201);
  const Reply events = call("GET", "/api/v1/customers/c'1%22--/events", {}, "reader");
  EXPECT_EQ(body_of(events)["items"][0]["properties"]["text"], name);
}

TEST_F(ServiceTest, EventsAreStoredOnceAndListedLatestFirst) {
  ASSERT_EQ(call("POST", "/api/v1/customers", kAni).status, 201);
  const std::string review = R"({"customer_id": "c1", "type": "Review", "channel": "web",
      "occurred_at": "2026-02-02T00:00:00Z", "properties": {"stars": 5}})";
  const Reply first = call("POST", "/api/v1/events", review);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(body_of(first)["type"], "review");
  ASSERT_EQ(call("POST", "/api/v1/events", review).status, 201);  // same content, same id
  ASSERT_EQ(call("POST", "/api/v1/events", R"({"id": "e2", "customer_id": "c1", "type": "nps",
      "occurred_at": "2026-02-03T00:00:00Z", "properties": {"score": 9}})")
                .status,
            201);
  const Json listed = body_of(call("GET", "/api/v1/customers/c1/events?limit=1", {}, "reader"));
  EXPECT_EQ(listed["total"], 2);
  ASSERT_EQ(listed["items"].size(), 1U);
  EXPECT_EQ(listed["items"][0]["id"], "e2");
  EXPECT_EQ(call("POST", "/api/v1/events", R"({"customer_id": "ghost", "type": "x"})").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/customers/ghost/events", {}, "reader").status, 404);
}

TEST_F(ServiceTest, InsightsShowWhatTheEnginesComputed) {
  ASSERT_EQ(call("POST", "/api/v1/customers", kAni).status, 201);
  Json bare = body_of(call("GET", "/api/v1/customers/c1/insights", {}, "reader"));
  EXPECT_EQ(bare["metrics"], nullptr);
  EXPECT_EQ(bare["clv"], nullptr);
  EXPECT_EQ(bare["segments"], Json::array());
  EXPECT_EQ(bare["recommendations"], Json::array());
  EXPECT_EQ(call("GET", "/api/v1/customers/ghost/insights", {}, "reader").status, 404);

  const std::int64_t row = *store_->customer_row("c1").value();
  CustomerMetrics m{.customer = row, .as_of = 1'772'323'200, .orders = 3, .revenue_minor = 4500};
  m.rfm_group = "champions";
  m.recency_score = 5;
  m.stage = "active";
  m.components_json = R"({"recency": {"value": 0.9, "points": 27.0}})";
  ASSERT_TRUE(store_->put_customer_metrics(m));
  ASSERT_TRUE(store_->put_clv_predictions(
      ClvRun{
          .model = "bgnbd", .params_json = "{}", .unit = "week", .horizon = 26, .currency = "AMD"},
      {ClvPrediction{
          .customer = row, .p_alive = 0.8, .expected_purchases = 1.5, .clv_minor = 120000}}));
  const std::int64_t loyal =
      store_->create_segment(Segment{.name = "loyal", .rule = "orders >= 3"}).value();
  const std::int64_t entered[] = {row};
  ASSERT_TRUE(store_->apply_segment_changes(loyal, entered, {}, 5));
  ASSERT_TRUE(store_->upsert_product(Product{.sku = "TEA", .name = "Tea"}));
  ASSERT_TRUE(store_->upsert_product(Product{.sku = "CUP", .name = "Cup"}));
  const std::int64_t tea = *store_->product_row("TEA").value();
  const std::int64_t cup = *store_->product_row("CUP").value();
  const RecommendationRow recs[] = {
      {.customer = row, .product = cup, .score = 0.5, .reason = "similar", .because = tea}};
  ASSERT_TRUE(store_->put_recommendations(recs));

  const Json full = body_of(call("GET", "/api/v1/customers/c1/insights", {}, "reader"));
  EXPECT_EQ(full["metrics"]["orders"], 3);
  EXPECT_EQ(full["metrics"]["rfm"]["group"], "champions");
  EXPECT_EQ(full["metrics"]["score_components"]["recency"]["value"], 0.9);
  EXPECT_EQ(full["metrics"]["score_components"]["recency"]["points"], 27.0);
  EXPECT_EQ(full["clv"]["model"], "bgnbd");
  EXPECT_EQ(full["clv"]["clv_minor"], 120000);
  EXPECT_EQ(full["segments"], Json::array({"loyal"}));
  ASSERT_EQ(full["recommendations"].size(), 1U);
  EXPECT_EQ(full["recommendations"][0]["sku"], "CUP");
  EXPECT_EQ(full["recommendations"][0]["because"], "TEA");
}

TEST_F(ServiceTest, SegmentMembersArePagedByCursor) {
  std::vector<std::int64_t> rows;
  for (const std::string id : {"m1", "m2", "m3"}) {
    ASSERT_EQ(call("POST", "/api/v1/customers", Json{{"id", id}}.dump()).status, 201);
    rows.push_back(*store_->customer_row(id).value());
  }
  const std::int64_t segment =
      store_->create_segment(Segment{.name = "vip", .rule = "orders >= 3", .created_at = 1})
          .value();
  ASSERT_TRUE(store_->apply_segment_changes(segment, rows, {}, 1'700'000'000));
  const Json first = body_of(call("GET", "/api/v1/segments/vip/members?limit=2", {}, "reader"));
  EXPECT_EQ(first["members"], 3);
  ASSERT_EQ(first["items"].size(), 2U);
  EXPECT_EQ(first["items"][0]["customer_id"], "m1");
  EXPECT_EQ(first["items"][0]["since"], "2023-11-14T22:13:20Z");
  const Json rest = body_of(call("GET",
                                 fmt::format("/api/v1/segments/vip/members?limit=2&cursor={}",
                                             first["next_cursor"].get<std::int64_t>()),
                                 {}, "reader"));
  ASSERT_EQ(rest["items"].size(), 1U);
  EXPECT_EQ(rest["items"][0]["customer_id"], "m3");
  EXPECT_TRUE(rest["next_cursor"].is_null());
  EXPECT_EQ(call("GET", "/api/v1/segments/nope/members", {}, "reader").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/segments/vip/members?cursor=-1", {}, "reader").status, 400);
}

}  // namespace
}  // namespace vafa::api
