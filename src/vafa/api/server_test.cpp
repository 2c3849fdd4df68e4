// The HTTP server on loopback: keep-alive, the request and idle timeouts, the body and
// connection limits, /healthz and /metrics, and a graceful stop that answers requests in flight.
#include "vafa/api/server.hpp"

#include <latch>
#include <map>
#include <thread>
#include <utility>

#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <gmock/gmock.h>

#include "vafa/api/api_test_support.hpp"
#include "vafa/api/beast.hpp"
#include "vafa/api/web_assets.hpp"

namespace vafa::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using testing_support::ApiFixture;
using namespace std::chrono_literals;

class ServerTest : public ApiFixture {
 protected:
  void start(ServerOptions options) {
    options.port = 0;
    options.threads = 2;
    const std::string location = path();
    auto server = Server::create(options, *service_, [location] { return open_store(location); });
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->run(false); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    ApiFixture::TearDown();
  }

  tcp::socket connect() {
    tcp::socket socket(ioc_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }
  static http::response<http::string_body> exchange(tcp::socket& socket,
                                                    http::request<http::string_body> request) {
    request.prepare_payload();
    http::write(socket, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response;
  }
  http::request<http::string_body> get(std::string target) {
    http::request<http::string_body> r{http::verb::get, target, 11};
    r.set(http::field::host, "localhost");
    r.set(http::field::authorization, "Bearer " + reader_);
    return r;
  }
  // Reads until the peer closes; returns what came.
  static std::string drain(tcp::socket& socket) {
    std::string out;
    char chunk[4096];
    beast::error_code ec;
    for (;;) {
      const std::size_t n = socket.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      out.append(chunk, n);
    }
    return out;
  }

  asio::io_context ioc_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, KeepsConnectionsAliveAndServesHealthAndMetrics) {
  start({});
  tcp::socket socket = connect();
  auto health = exchange(socket, get("/healthz"));
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_EQ(health.body(), R"({"status":"ok"})");
  EXPECT_TRUE(health.keep_alive());
  auto missing = exchange(socket, get("/api/v1/customers/nobody"));  // same connection
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(missing[http::field::content_type], "application/problem+json");
  auto doc = exchange(socket, get("/api/v1/openapi.json"));
  EXPECT_EQ(Json::parse(doc.body())["info"]["title"], "vafa API");
  auto metrics = exchange(socket, get("/metrics"));
  EXPECT_THAT(
      metrics.body(),
      ::testing::HasSubstr(
          R"(vafa_http_requests_total{route="/api/v1/customers/{id}",method="GET",status="404"} 1)"));
  EXPECT_THAT(metrics.body(), ::testing::HasSubstr("vafa_http_open_connections 1"));
}

TEST_F(ServerTest, ServesTheDashboardFromMemoryWithItsSecurityHeaders) {
  start({});
  tcp::socket socket = connect();
  auto page = exchange(socket, get("/"));
  ASSERT_EQ(page.result_int(), 200);
  EXPECT_THAT(std::string(page[http::field::content_type]), ::testing::HasSubstr("text/html"));
  EXPECT_EQ(page[http::field::cache_control], "no-store");
  EXPECT_THAT(std::string(page["Content-Security-Policy"]),
              ::testing::HasSubstr("default-src 'self'"));
  EXPECT_EQ(page["X-Content-Type-Options"], "nosniff");
  EXPECT_THAT(page.body(), ::testing::HasSubstr("<html"));
  for (const WebAsset& asset : web_assets()) {
    if (!asset.path.starts_with("/assets/")) continue;  // the page above, the report's template
    auto file = exchange(socket, get(std::string(asset.path)));
    EXPECT_EQ(file.result_int(), 200) << asset.path;
    EXPECT_EQ(file.body().size(), asset.body.size()) << asset.path;
    EXPECT_EQ(std::string(file[http::field::content_type]), asset.content_type) << asset.path;
    EXPECT_THAT(std::string(file[http::field::cache_control]), ::testing::HasSubstr("immutable"));
  }
  EXPECT_EQ(exchange(socket, get("/assets/nothing-here.js")).result_int(), 404);
  EXPECT_EQ(exchange(socket, get("/report.html")).result_int(), 404);  // a template, not a page
  http::request<http::string_body> post{http::verb::post, "/", 11};
  post.set(http::field::host, "localhost");
  auto refused = exchange(socket, post);
  EXPECT_EQ(refused.result_int(), 405);
  EXPECT_EQ(refused[http::field::allow], "GET, HEAD");

  // HEAD: the GET's headers, its length, and no body.
  http::request<http::string_body> head{http::verb::head, "/", 11};
  head.set(http::field::host, "localhost");
  head.prepare_payload();
  http::write(socket, head);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(true);
  http::read(socket, buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get()[http::field::content_length], std::to_string(page.body().size()));
  // Nothing follows the headers: the next answer on the connection is the next request's.
  auto after = exchange(socket, get("/healthz"));
  EXPECT_EQ(after.body(), R"({"status":"ok"})");
}

TEST_F(ServerTest, ARulesCountRunsOnTheSlowReadThread) {
  start({});
  tcp::socket socket = connect();
  // Counting runs on its own thread and connection; the answer comes back on the connection it
  // was asked on, and the connection goes on serving.
  auto counted = exchange(socket, get("/api/v1/segments/preview?rule=orders%20%3E%3D%202"));
  ASSERT_EQ(counted.result_int(), 200) << counted.body();
  EXPECT_EQ(Json::parse(counted.body())["valid"], true);
  auto wrong = exchange(socket, get("/api/v1/segments/preview?rule=orders%20%3E%3D"));
  EXPECT_EQ(Json::parse(wrong.body())["valid"], false);
  EXPECT_EQ(exchange(socket, get("/healthz")).result_int(), 200);
}

TEST_F(ServerTest, WritesAreAnsweredAfterTheyCommit) {
  start({});
  tcp::socket socket = connect();
  http::request<http::string_body> post{http::verb::post, "/api/v1/customers", 11};
  post.set(http::field::authorization, "Bearer " + writer_key_);
  post.set(http::field::content_type, "application/json");
  post.body() = R"({"id": "c1", "name": "Mina"})";
  auto created = exchange(socket, post);
  ASSERT_EQ(created.result_int(), 201) << created.body();
  EXPECT_EQ(created[http::field::location], "/api/v1/customers/c1");
  // Another connection to the store sees it at once.
  EXPECT_EQ(store_->get_customer("c1").value()->name, "Mina");
}

// An internal failure is answered with a plain 500 and its detail goes to the injected logger
// only: the caller learns nothing of the store's insides.
TEST_F(ServerTest, AnInternalErrorIsLoggedThroughTheInjectedLoggerAndNotSent) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(sqlite_file().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE dashboard_views", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto logger = std::make_shared<MemoryLogger>();
  start({.logger = logger});
  tcp::socket socket = connect();
  auto reply = exchange(socket, get("/api/v1/dashboard/views/clv.validation"));
  ASSERT_EQ(reply.result_int(), 500) << reply.body();
  EXPECT_EQ(Json::parse(reply.body())["detail"], "the server failed to answer; it has been logged");
  EXPECT_THAT(reply.body(), ::testing::Not(::testing::HasSubstr("dashboard_views")));
  const auto lines = logger->lines();
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].first, Logger::Level::error);
  EXPECT_THAT(lines[0].second, ::testing::HasSubstr("dashboard_views"));
  EXPECT_THAT(lines[0].second, ::testing::HasSubstr("/api/v1/dashboard/views/{name}"));
}

TEST_F(ServerTest, SlowIdleAndOversizedRequestsAreCut) {
  start({.body_limit = 2048,
         .request_timeout = std::chrono::milliseconds(300),
         .idle_timeout = std::chrono::milliseconds(300)});
  {  // A request that starts and never ends gets 408, then the connection closes.
    tcp::socket socket = connect();
    asio::write(socket, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));
    const std::string answer = drain(socket);
    EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 408"));
  }
  {  // A connection that never sends anything is closed without an answer.
    tcp::socket socket = connect();
    EXPECT_EQ(drain(socket), "");
  }
  {  // A body over the limit: 413 before it is read.
    tcp::socket socket = connect();
    http::request<http::string_body> post{http::verb::post, "/api/v1/events", 11};
    post.set(http::field::authorization, "Bearer " + writer_key_);
    post.set(http::field::content_type, "application/json");
    post.body() = std::string(4096, ' ');
    auto response = exchange(socket, post);
    EXPECT_EQ(response.result_int(), 413);
    EXPECT_FALSE(response.keep_alive());
  }
  {  // Garbage is a 400.
    tcp::socket socket = connect();
    asio::write(socket, asio::buffer(std::string("HELLO\r\n\r\n")));
    EXPECT_THAT(drain(socket), ::testing::StartsWith("HTTP/1.1 400"));
  }
}

TEST_F(ServerTest, ConnectionsOverTheLimitGet503) {
  start({.max_connections = 2, .reserve_connections = 0});
  tcp::socket a = connect();
  tcp::socket b = connect();
  EXPECT_EQ(exchange(a, get("/healthz")).result_int(), 200);
  EXPECT_EQ(exchange(b, get("/healthz")).result_int(), 200);
  tcp::socket c = connect();
  EXPECT_THAT(drain(c), ::testing::StartsWith("HTTP/1.1 503"));
  a.close();
  // Once one closes there is room again (the server notices the close shortly).
  for (int attempt = 0; attempt < 100; ++attempt) {
    tcp::socket d = connect();
    beast::error_code ec;
    http::request<http::string_body> r = get("/healthz");
    r.prepare_payload();
    http::write(d, r, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(d, buffer, response, ec);
    if (!ec && response.result_int() == 200) return;
    std::this_thread::sleep_for(10ms);
  }
  ADD_FAILURE() << "no room after a connection closed";
}

TEST_F(ServerTest, ASilentConnectionIsClosedAfterTheRequestTimeoutAKeptOneAfterIdle) {
  start({.request_timeout = std::chrono::milliseconds(200),
         .idle_timeout = std::chrono::milliseconds(60'000)});
  // A connection that never sends a byte is closed after the request timeout, not the idle one.
  // (The receive timeout only keeps a regression from hanging the suite for a minute.)
  tcp::socket silent = connect();
  const timeval limit{.tv_sec = 20, .tv_usec = 0};
  setsockopt(silent.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  char byte = 0;
  beast::error_code ec;
  const std::size_t n = silent.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_EQ(n, 0U);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  // One that has been served waits the idle timeout between requests.
  tcp::socket kept = connect();
  ASSERT_EQ(exchange(kept, get("/healthz")).result_int(), 200);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(exchange(kept, get("/healthz")).result_int(), 200);
}

TEST_F(ServerTest, AReserveOfConnectionsStillAnswersHealthAndMetrics) {
  start({.max_connections = 2, .reserve_connections = 2});
  tcp::socket a = connect();
  tcp::socket b = connect();
  ASSERT_EQ(exchange(a, get("/healthz")).result_int(), 200);
  ASSERT_EQ(exchange(b, get("/healthz")).result_int(), 200);
  // Full: the next two are the reserve, served /healthz and /metrics and nothing else.
  tcp::socket c = connect();
  EXPECT_EQ(exchange(c, get("/healthz")).result_int(), 200);
  auto metrics = exchange(c, get("/metrics"));
  EXPECT_EQ(metrics.result_int(), 200);
  EXPECT_THAT(metrics.body(), ::testing::HasSubstr("vafa_http_open_connections 3"));
  tcp::socket d = connect();
  auto refused = exchange(d, get("/api/v1/customers/c1"));
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_FALSE(refused.keep_alive());
  EXPECT_FALSE(refused[http::field::retry_after].empty());
  // Past the reserve too: 503 at once. (First wait until the server has counted d's close, so
  // that e takes the reserve's last place and f is the one past it, whatever the timing.)
  bool counted = false;
  for (int i = 0; i < 200 && !counted; ++i) {
    counted = exchange(c, get("/metrics")).body().find("vafa_http_open_connections 3\n") !=
              std::string::npos;
    if (!counted) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(counted) << "d's close was never counted";
  tcp::socket e = connect();
  ASSERT_EQ(exchange(e, get("/healthz")).result_int(), 200);  // the reserve's last place
  tcp::socket f = connect();
  EXPECT_THAT(drain(f), ::testing::StartsWith("HTTP/1.1 503"));
  // The ones within the limit are served as ever.
  EXPECT_EQ(exchange(a, get("/api/v1/customers/c1")).result_int(), 404);
}

TEST_F(ServerTest, ASignInFloodIsLimitedAndDoesNotHoldUpHealthz) {
  start({});
  constexpr int kFlood = 40;
  std::vector<tcp::socket> flood;
  for (int i = 0; i < kFlood; ++i) {
    flood.push_back(connect());
    http::request<http::string_body> post{http::verb::post, "/api/v1/session", 11};
    post.set(http::field::host, "localhost");
    post.set(http::field::content_type, "application/json");
    post.body() = Json{{"name", fmt::format("name{}", i)}, {"password", "wrong password"}}.dump();
    post.prepare_payload();
    http::write(flood.back(), post);
  }
  // While the passwords are checked (one at a time, tens of milliseconds each), /healthz is
  // answered by the I/O threads.
  tcp::socket health = connect();
  EXPECT_EQ(exchange(health, get("/healthz")).result_int(), 200);
  int unanswered = 0;  // sign-ins whose answer had not come when /healthz's did
  for (tcp::socket& socket : flood) unanswered += socket.available() == 0 ? 1 : 0;
  std::map<int, int> statuses;
  for (tcp::socket& socket : flood) {
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    ++statuses[response.result_int()];
    if (response.result_int() == 429 || response.result_int() == 503) {
      EXPECT_FALSE(response[http::field::retry_after].empty());
    }
  }
  // One address: ten tries at once, the rest 429; of the ten, the password pool's queue takes
  // eight (or more, as it empties) and refuses the others with 503.
  EXPECT_EQ(statuses[401] + statuses[503], 10) << ::testing::PrintToString(statuses);
  EXPECT_EQ(statuses[429], kFlood - 10);
  EXPECT_GE(statuses[401], 8);
  EXPECT_GE(unanswered, 1);  // healthz did not wait for the checks
}

TEST_F(ServerTest, StopAnswersRequestsInFlightAndRefusesNewOnes) {
  start({});
  tcp::socket idle = connect();
  tcp::socket busy = connect();
  ASSERT_EQ(exchange(busy, get("/healthz")).result_int(), 200);
  // Half a request is in flight when the stop begins; the rest arrives after.
  asio::write(busy, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));
  std::this_thread::sleep_for(50ms);
  server_->stop();
  std::this_thread::sleep_for(50ms);
  asio::write(busy, asio::buffer(std::string("\r\n")));
  const std::string answer = drain(busy);
  EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(answer, ::testing::HasSubstr("Connection: close"));
  EXPECT_EQ(drain(idle), "");  // the idle one was closed
  thread_.join();              // run() returns once every connection is done
  tcp::socket late(ioc_);
  beast::error_code ec;
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()), ec);
  EXPECT_TRUE(ec);
}

TEST_F(ServerTest, SixtyFourConcurrentRedemptionsOfTheLastUnitGiveExactlyOne) {
  use_club("[loyalty]\ncurrency = \"AMD\"\nbonus = { signup = 100 }\n");
  constexpr int kClients = 64;
  for (int c = 0; c < kClients; ++c) {
    ASSERT_EQ(call("POST", "/api/v1/customers", Json{{"id", fmt::format("c{}", c)}}.dump()).status,
              201);
  }
  ASSERT_EQ(
      call("POST", "/api/v1/rewards",
           R"({"code": "last-one", "name": "The last unit", "cost": 60, "stock": 1})", "admin")
          .status,
      201);
  start({});
  std::vector<tcp::socket> sockets;
  for (int c = 0; c < kClients; ++c) sockets.push_back(connect());
  std::latch ready(kClients);
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      http::request<http::string_body> post{
          http::verb::post, fmt::format("/api/v1/customers/c{}/redemptions", c), 11};
      post.set(http::field::authorization, "Bearer " + writer_key_);
      post.set(http::field::content_type, "application/json");
      post.body() = R"({"reward": "last-one"})";
      post.prepare_payload();
      ready.arrive_and_wait();  // all at once
      http::write(sockets[c], post);
      beast::flat_buffer buffer;
      http::response<http::string_body> response;
      http::read(sockets[c], buffer, response);
      statuses[c] = static_cast<int>(response.result_int());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kClients - 1);
  EXPECT_EQ(*store_->get_reward("last-one").value()->stock, 0);
  std::int64_t spent = 0;
  for (int c = 0; c < kClients; ++c) {
    const auto row = *store_->customer_row(fmt::format("c{}", c)).value();
    const PointsBalance b = store_->points_balance(row).value();
    EXPECT_GE(b.available, 0);
    spent += b.redeemed;
  }
  EXPECT_EQ(spent, 60);
  const LedgerCheck check = store_->check_points().value();
  EXPECT_EQ(check.total, 0);
  EXPECT_EQ(check.unbalanced_txns + check.wrong_balances + check.lots_not_matching, 0);
}

}  // namespace
}  // namespace vafa::api
