// Issue 19's request-level defects, each as the request that found it: none may end the
// process, and each gets a clear 4xx that says what is wrong and leaks no SQL.
#include <gmock/gmock.h>

#include "vafa/api/api_test_support.hpp"

namespace vafa::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::ApiFixture;

class Hardening : public ApiFixture {};

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::string query_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// One GET by any reader ended the server with SIGSEGV in the rule parser.
TEST_F(Hardening, DeepRulesInThePreviewAreAnErrorWithAColumn) {
  const std::string rule = repeated("(", 4000) + "orders>1" + repeated(")", 4000);
  const Reply r = call("GET", "/api/v1/segments/preview?rule=" + query_escaped(rule), {}, "reader");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = body_of(r);
  EXPECT_EQ(body["valid"], false);
  EXPECT_EQ(body["errors"][0]["column"], 65);
  EXPECT_THAT(body["errors"][0]["message"].get<std::string>(), HasSubstr("more than 64 deep"));

  // Invalid UTF-8 was answered valid: true.
  const Reply bad =
      call("GET", "/api/v1/segments/preview?rule=country%20%3D%20%27I%80R%27", {}, "reader");
  ASSERT_EQ(bad.status, 200);
  EXPECT_EQ(body_of(bad)["valid"], false);
  EXPECT_EQ(body_of(bad)["errors"][0]["column"], 13);
}

// One POST by a writer ended the server in nlohmann's recursive dump.
TEST_F(Hardening, DeeplyNestedBodiesAreRefusedWhileParsing) {
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);
  const std::string deep = R"({"id": "e1", "customer_id": "c1", "type": "visit", "properties": )" +
                           repeated(R"({"p":)", 100'000) + "1" + repeated("}", 100'000) + "}";
  ASSERT_LT(deep.size(), std::size_t{1} << 20);
  const Reply r = call("POST", "/api/v1/events", deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(body_of(r)["detail"].get<std::string>(), HasSubstr("more than 64 deep"));
  // Arrays count too, and so do bodies of every route.
  EXPECT_EQ(call("POST", "/api/v1/orders", repeated("[", 100'000) + repeated("]", 100'000)).status,
            400);
  EXPECT_EQ(call("POST", "/api/v1/customers",
                 "{\"id\": \"c2\", \"x\": " + repeated("[", 65) + repeated("]", 65) + "}")
                .status,
            400);
  // Within the bound, properties are kept as sent.
  const std::string ok = R"({"id": "e2", "customer_id": "c1", "type": "visit", "properties": )" +
                         repeated(R"({"p":)", 20) + "1" + repeated("}", 20) + "}";
  EXPECT_EQ(call("POST", "/api/v1/events", ok).status, 201);
}

TEST_F(Hardening, DuplicateKeysAreRefused) {
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);
  const Reply r = call("POST", "/api/v1/orders",
                       R"({"id": "o1", "customer_id": "c1", "currency": "AMD", "currency": "USD",
                           "lines": [{"sku": "tea", "unit_price_minor": 100}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(body_of(r)["detail"].get<std::string>(), HasSubstr("\"currency\" appears twice"));
  EXPECT_EQ(call("GET", "/api/v1/orders/o1", {}, "reader").status, 404);  // nothing written
  EXPECT_EQ(call("POST", "/api/v1/orders",
                 R"({"id": "o1", "customer_id": "c1", "currency": "AMD",
                     "lines": [{"sku": "tea", "sku": "cake", "unit_price_minor": 100}]})")
                .status,
            400);
}

// INT64_MIN passed the +-100,000,000 check (its magnitude overflows) and failed in SQLite with
// its CHECK message in the answer; 2^64-1 became -1.
TEST_F(Hardening, PointsOutOfRangeAreFieldErrorsWithoutOverflow) {
  use_club("[loyalty]\ncurrency = \"AMD\"\nunit = \"100\"\nbonus = { signup = 50 }\n");
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c1"})").status, 201);
  ASSERT_EQ(call("POST", "/api/v1/customers", R"({"id": "c2"})").status, 201);
  int n = 0;
  for (const char* points :
       {"-9223372036854775808", "9223372036854775807", "18446744073709551615",
        "9223372036854775808", "-100000001", "100000001", "0", "1.5", "\"7\""}) {
    const std::string key = fmt::format("adjust-{}", ++n);
    const Reply r =
        call("POST", "/api/v1/customers/c1/points/adjustments",
             fmt::format(R"({{"points": {}, "reason": "test"}})", points), "admin", key);
    EXPECT_EQ(r.status, 422) << points << ": " << r.body;
    EXPECT_THAT(r.body, Not(HasSubstr("constraint"))) << points;
    EXPECT_THAT(r.body, Not(HasSubstr("CHECK"))) << points;
    const Reply t = call("POST", "/api/v1/customers/c1/points/transfers",
                         fmt::format(R"({{"to": "c2", "points": {}}})", points), "writer", key);
    EXPECT_EQ(t.status, 422) << points << ": " << t.body;
  }
  EXPECT_EQ(points("c1")["available"], 50);
  expect_sound();
  // The order's own numbers: a quantity of 2^64-1 is not -1.
  const Reply q = call("POST", "/api/v1/orders",
                       R"({"id": "o1", "customer_id": "c1", "currency": "AMD",
                           "lines": [{"sku": "tea", "quantity": 18446744073709551615,
                                      "unit_price_minor": 100}]})");
  EXPECT_EQ(q.status, 422) << q.body;
}

TEST_F(Hardening, AnEmptyIdempotencyKeyIsRefused) {
  Request request{.method = "POST",
                  .target = "/api/v1/customers",
                  .authorization = "Bearer " + writer_key_,
                  .idempotency_key = "",
                  .idempotency_key_sent = true,
                  .content_type = "application/json",
                  .body = R"({"id": "c1"})"};
  Step step = service_->handle(*store_, request);
  ASSERT_TRUE(std::holds_alternative<Reply>(step));
  EXPECT_EQ(std::get<Reply>(step).status, 400);
  EXPECT_THAT(std::get<Reply>(step).body, HasSubstr("1 to 255"));
  request.method = "GET";
  request.target = "/api/v1/customers/c1";
  request.body.clear();
  step = service_->handle(*store_, request);
  EXPECT_EQ(std::get<Reply>(step).status, 400);
}

TEST(StatusTitles, EveryStatusTheApiUsesHasItsOwnTitle) {
  for (const int status :
       {400, 401, 403, 404, 405, 408, 409, 411, 413, 415, 422, 429, 431, 500, 503}) {
    EXPECT_NE(status_title(status), "Error") << status;
  }
}

// The one mapping of an Error to its answer (http.hpp problem): every code, and what an Error
// carries becomes members and headers of the problem document.
TEST(ErrorMapping, EveryCodeHasItsStatusAndTheDocumentCarriesTheDetails) {
  for (int c = 0; c <= static_cast<int>(ErrorCode::permission_denied); ++c) {
    const auto code = static_cast<ErrorCode>(c);
    const Reply reply = problem(Error{code, "what went wrong"});
    EXPECT_EQ(reply.status, status_for(code)) << to_string(code);
    EXPECT_EQ(reply.content_type, "application/problem+json");
    const Json body = Json::parse(reply.body);
    EXPECT_EQ(body["status"], reply.status);
    EXPECT_EQ(body["title"], status_title(reply.status));
    if (reply.status == 500) {
      EXPECT_EQ(body["detail"], "the server failed to answer; it has been logged");
      EXPECT_EQ(reply.internal_error, "what went wrong");
    } else {
      EXPECT_EQ(body["detail"], "what went wrong");
      EXPECT_TRUE(reply.internal_error.empty());
    }
  }
  Error fields = field_errors({{"/lines/0/quantity", "must be positive"}, {"/id", "missing"}});
  Json body = Json::parse(problem(fields).body);
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["detail"], "2 fields are invalid");
  ASSERT_EQ(body["errors"].size(), 2U);
  EXPECT_EQ(body["errors"][0]["pointer"], "/lines/0/quantity");
  EXPECT_EQ(body["errors"][1]["detail"], "missing");

  Error syntax{ErrorCode::invalid_argument, "expected a value"};
  syntax.line = 2;
  syntax.column = 7;
  syntax.byte = 12;
  body = Json::parse(problem(syntax).body);
  EXPECT_EQ(body["line"], 2);
  EXPECT_EQ(body["column"], 7);
  EXPECT_EQ(body["byte"], 12);

  Error busy{ErrorCode::rate_limited, "slow down"};
  busy.retry_after = 42;
  Reply reply = problem(busy);
  EXPECT_EQ(reply.status, 429);
  EXPECT_NE(
      std::ranges::find(reply.headers, std::pair<std::string, std::string>{"Retry-After", "42"}),
      reply.headers.end());

  Error allowed{ErrorCode::not_allowed, "use GET"};
  allowed.allowed = "GET, HEAD";
  reply = problem(allowed);
  EXPECT_NE(
      std::ranges::find(reply.headers, std::pair<std::string, std::string>{"Allow", "GET, HEAD"}),
      reply.headers.end());

  Error headers{ErrorCode::too_large, "headers too large"};
  headers.part = "headers";
  EXPECT_EQ(problem(headers).status, 431);
  EXPECT_EQ(problem(Error{ErrorCode::too_large, "body too large"}).status, 413);
  EXPECT_EQ(problem(Error{ErrorCode::unauthenticated, "who?"}).headers.front().first,
            "WWW-Authenticate");
}

}  // namespace
}  // namespace vafa::api
