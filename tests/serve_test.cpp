// End-to-end: the `vafa serve` binary under load, killed with SIGKILL mid-stream and restarted.
// The loyalty club is on: every write that was answered 2xx must be there afterwards, whole,
// with its points, and the points ledger sound; retrying every request with its
// Idempotency-Key must then give each exactly once. Also: SIGTERM stops it cleanly.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <fcntl.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "vafa/api/beast.hpp"
#include "vafa/store/store.hpp"

namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;

// A `vafa serve` child process on a free loopback port.
class ServerProcess {
 public:
  ServerProcess(const std::string& db, const std::string& config) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      execl(VAFA_BIN, VAFA_BIN, "--db", db.c_str(), "serve", "--listen", "127.0.0.1:0", "--config",
            config.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    out_ = out[0];
    // "vafa serve: listening on http://127.0.0.1:PORT (...)"
    const auto colon = line.find("127.0.0.1:");
    if (colon == std::string::npos) throw std::runtime_error("no port in: " + line);
    port_ = static_cast<unsigned short>(std::stoi(line.substr(colon + 10)));
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  unsigned short port() const { return port_; }
  // Sends `signal` and returns the exit status.
  int stop(int signal) {
    ::kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  unsigned short port_ = 0;
};

struct Answer {
  int status = 0;  // 0: no answer (connection failed or cut)
  std::string body;
};

class Client {
 public:
  Client(unsigned short port, std::string key) : port_(port), key_(std::move(key)) {}
  Answer send(http::verb verb, const std::string& target, const std::string& body = {},
              const std::string& idempotency_key = {}) {
    beast::error_code ec;
    if (!socket_) {
      socket_.emplace(ioc_);
      socket_->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
      if (ec) {
        socket_.reset();
        return {};
      }
    }
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, "localhost");
    request.set(http::field::authorization, "Bearer " + key_);
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    if (!idempotency_key.empty()) request.set("Idempotency-Key", idempotency_key);
    request.body() = body;
    request.prepare_payload();
    http::write(*socket_, request, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    if (!ec) http::read(*socket_, buffer, response, ec);
    if (ec) {
      socket_.reset();
      return {};
    }
    if (!response.keep_alive()) socket_.reset();
    return {static_cast<int>(response.result_int()), response.body()};
  }

 private:
  asio::io_context ioc_;
  std::optional<tcp::socket> socket_;
  unsigned short port_;
  std::string key_;
};

class Serve : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vafa-serve-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string db() const { return (dir_ / "serve.db").string(); }
  // A loyalty club: every order earns points (available at once) and the first one a bonus.
  std::string club() const {
    const std::string path = (dir_ / "vafa.toml").string();
    std::ofstream(path) << "[loyalty]\ncurrency = \"USD\"\npending_days = 0\n"
                           "bonus = { first_order = 10 }\n";
    return path;
  }
  // `vafa loyalty check` on the store: exit 0 when the ledger is sound.
  int ledger_check() const { return ledger_check(db()); }
  static int ledger_check(const std::string& store) {
    const std::string command =
        fmt::format("{} --db '{}' loyalty check > /dev/null", VAFA_BIN, store);
    return std::system(command.c_str());
  }
  std::string create_key(const std::string& role) {
    const std::string out = (dir_ / "key.json").string();
    const std::string command =
        fmt::format("{} --db '{}' keys create --name {} --role {} --json > '{}'", VAFA_BIN, db(),
                    role, role, out);
    if (std::system(command.c_str()) != 0) return {};
    std::ifstream in(out);
    return Json::parse(in)["key"];
  }
  fs::path dir_;
};

std::string order_body(int customer, const std::string& id) {
  return Json{{"id", id},
              {"customer_id", fmt::format("c{}", customer)},
              {"currency", "USD"},
              {"channel", "web"},
              {"lines",
               {{{"sku", "A"}, {"quantity", 2}, {"unit_price_minor", 1250}},
                {{"sku", "B"}, {"quantity", 1}, {"unit_price_minor", 999}}}}}
      .dump();
}

TEST_F(Serve, KillNineMidStreamKeepsEveryAcknowledgedWriteWhole) {
  const std::string key = create_key("writer");
  ASSERT_FALSE(key.empty());
  constexpr int kCustomers = 20;
  constexpr int kClients = 6;
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::vector<std::pair<std::string, int>> sent;  // (order id, customer)
  {
    ServerProcess server(db(), club());
    Client setup(server.port(), key);
    for (int c = 0; c < kCustomers; ++c) {
      ASSERT_EQ(setup
                    .send(http::verb::post, "/api/v1/customers",
                          Json{{"id", fmt::format("c{}", c)}}.dump())
                    .status,
                201);
    }
    std::atomic<bool> go{true};
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) {
      clients.emplace_back([&, t] {
        Client client(server.port(), key);
        for (int i = 0; go; ++i) {
          const std::string id = fmt::format("o-{}-{}", t, i);
          const int customer = (t * 7 + i) % kCustomers;
          {
            std::lock_guard lock(mutex);
            sent.emplace_back(id, customer);
          }
          const Answer a = client.send(http::verb::post, "/api/v1/orders", order_body(customer, id),
                                       "key-" + id);
          if (a.status == 201) {
            std::lock_guard lock(mutex);
            acknowledged.insert(id);
          } else if (a.status == 0) {
            return;  // the server is gone
          }
        }
      });
    }
    // Kill once a good number of writes are acknowledged, while requests are in flight.
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= 1500) break;
    }
    const int status = server.stop(SIGKILL);
    go = false;
    for (auto& c : clients) c.join();
    ASSERT_TRUE(WIFSIGNALED(status));
  }
  ASSERT_GT(sent.size(), acknowledged.size());  // some were in flight or unsent

  // Every acknowledged order is there with both of its lines, nothing half-written.
  auto store = vafa::open_store(db());
  ASSERT_TRUE(store.has_value());
  for (const std::string& id : acknowledged) {
    auto order = (*store)->get_order(id);
    ASSERT_TRUE(order.has_value() && order->has_value()) << id;
    ASSERT_EQ((*order)->lines.size(), 2U) << id;
    EXPECT_EQ((*order)->total_minor(), 2 * 1250 + 999);
  }
  // Each acknowledged order earned its points in the same transaction: 2 x 12.50 + 9.99 is
  // 34 points at one point per dollar.
  for (const std::string& id : acknowledged) {
    const auto earned = (*store)->points_txn("earn", "order:" + id).value();
    ASSERT_TRUE(earned.has_value()) << id;
    EXPECT_EQ(earned->entries.back().points, 34) << id;
  }
  EXPECT_EQ(ledger_check(), 0);
  const vafa::StoreStats before = (*store)->stats().value();
  EXPECT_GE(before.orders, static_cast<std::int64_t>(acknowledged.size()));
  EXPECT_EQ(before.order_lines, 2 * before.orders);
  EXPECT_EQ(before.revenue_minor.at("USD"), before.orders * (2 * 1250 + 999));
  store->reset();

  // Restarted, every request retried with its key lands exactly once.
  ServerProcess again(db(), club());
  Client client(again.port(), key);
  int replayed = 0;
  for (const auto& [id, customer] : sent) {
    const Answer a =
        client.send(http::verb::post, "/api/v1/orders", order_body(customer, id), "key-" + id);
    ASSERT_EQ(a.status, 201) << id << ": " << a.body;
    if (acknowledged.contains(id)) ++replayed;
  }
  EXPECT_EQ(replayed, static_cast<int>(acknowledged.size()));
  const int status = again.stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto after = vafa::open_store(db());
  const vafa::StoreStats stats = (*after)->stats().value();
  EXPECT_EQ(stats.orders, static_cast<std::int64_t>(sent.size()));
  EXPECT_EQ(stats.order_lines, 2 * stats.orders);
  after->reset();
  EXPECT_EQ(ledger_check(), 0);
}

}  // namespace

TEST_F(Serve, ABackupTakenUnderOrderLoadHoldsEveryOrderAcknowledgedBeforeIt) {
  const std::string key = create_key("writer");
  ASSERT_FALSE(key.empty());
  ServerProcess server(db(), club());
  Client setup(server.port(), key);
  for (int c = 0; c < 10; ++c) {
    ASSERT_EQ(
        setup
            .send(http::verb::post, "/api/v1/customers", Json{{"id", fmt::format("c{}", c)}}.dump())
            .status,
        201);
  }
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> go{true};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      Client client(server.port(), key);
      for (int i = 0; go; ++i) {
        const std::string id = fmt::format("o-{}-{}", t, i);
        if (client.send(http::verb::post, "/api/v1/orders", order_body((t + i) % 10, id)).status ==
            201) {
          std::lock_guard lock(mutex);
          acknowledged.push_back(id);
        }
      }
    });
  }
  auto acknowledged_now = [&] {
    std::lock_guard lock(mutex);
    return acknowledged;
  };
  while (acknowledged_now().size() < 800) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::vector<std::string> before = acknowledged_now();
  const std::string copy = (dir_ / "backup.db").string();
  const std::string backup =
      fmt::format("{} --db '{}' backup '{}' > /dev/null", VAFA_BIN, db(), copy);
  EXPECT_EQ(std::system(backup.c_str()), 0);
  // Writes went on while it was taken.
  const std::size_t at_backup = acknowledged_now().size();
  while (acknowledged_now().size() < at_backup + 200) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // A second backup to the same name is refused unless told to replace it.
  EXPECT_EQ(WEXITSTATUS(std::system(backup.c_str())), 2);
  go = false;
  for (auto& c : clients) c.join();
  server.stop(SIGTERM);

  EXPECT_TRUE(fs::exists(copy));
  EXPECT_FALSE(fs::exists(copy + "-wal") && fs::file_size(copy + "-wal") > 0);
  for (const auto& entry : fs::directory_iterator(dir_)) {  // no temporary file is left behind
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
  }
  EXPECT_EQ(ledger_check(copy), 0);
  auto store = vafa::open_store(copy);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  for (const std::string& id : before) {
    auto order = (*store)->get_order(id);
    ASSERT_TRUE(order.has_value() && order->has_value()) << id;
    EXPECT_EQ((*order)->lines.size(), 2U) << id;
    const auto earned = (*store)->points_txn("earn", "order:" + id).value();
    EXPECT_TRUE(earned.has_value()) << id;
  }
  const vafa::StoreStats stats = (*store)->stats().value();
  EXPECT_GE(stats.orders, static_cast<std::int64_t>(before.size()));
  EXPECT_LT(stats.orders, static_cast<std::int64_t>(acknowledged.size()));  // a snapshot
  EXPECT_EQ(stats.order_lines, 2 * stats.orders);
  store->reset();
  const std::string replace =
      fmt::format("{} --db '{}' backup --replace '{}' > /dev/null", VAFA_BIN, db(), copy);
  EXPECT_EQ(std::system(replace.c_str()), 0);
  auto replaced = vafa::open_store(copy);
  EXPECT_EQ((*replaced)->stats().value().orders, static_cast<std::int64_t>(acknowledged.size()));
}
