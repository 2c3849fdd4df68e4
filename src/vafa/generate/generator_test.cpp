#include "vafa/generate/generator.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "vafa/generate/sinks.hpp"

namespace vafa::generate {
namespace {

// Keeps what the generator produced, for checking its statistics.
class MemorySink final : public Sink {
 public:
  Status product(const Product& p) override {
    products.push_back(p);
    return {};
  }
  Status customer(const Customer& c) override {
    customers.push_back(c);
    return {};
  }
  Status order(const Order& o) override {
    orders.push_back(o);
    return {};
  }
  Status event(const Event& e) override {
    events.push_back(e);
    return {};
  }
  std::vector<Product> products;
  std::vector<Customer> customers;
  std::vector<Order> orders;
  std::vector<Event> events;
};

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Generator, SameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot) {
  const auto base =
      std::filesystem::temp_directory_path() / ("vafa-generator-" + std::to_string(::getpid()));
  GeneratorParams params;
  params.customers = 500;
  params.seed = 11;
  for (const std::string run : {"a", "b", "c"}) {
    if (run == "c") params.seed = 12;
    auto sink = FileSink::open((base / run).string()).value();
    ASSERT_TRUE(generate(params, *sink));
    ASSERT_TRUE(sink->close());
  }
  for (const std::string file : {"customers.csv", "products.csv", "orders.csv", "events.ndjson"}) {
    const std::string a = slurp(base / "a" / file);
    EXPECT_GT(a.size(), 100u) << file;
    EXPECT_EQ(a, slurp(base / "b" / file)) << file;
    EXPECT_NE(a, slurp(base / "c" / file)) << file;
  }
  std::filesystem::remove_all(base);
}

TEST(Generator, RejectsBadParameters) {
  MemorySink sink;
  GeneratorParams params;
  params.customers = 0;
  EXPECT_FALSE(generate(params, sink));
  params.customers = 10;
  params.alpha = -1;
  EXPECT_FALSE(generate(params, sink));
  params.alpha = 60;
  params.currency = "XYZ";
  EXPECT_FALSE(generate(params, sink));
}

// The data follow the documented process: checked on 20,000 customers against the values the
// parameters imply (a BG/NBD fit recovering r, alpha, a, b is the CLV engine's own test).
TEST(Generator, FollowsTheDocumentedProcess) {
  MemorySink sink;
  GeneratorParams params;
  params.customers = 20000;
  params.seed = 5;
  params.return_share = 0;
  params.guest_share = 0;
  const auto counts = generate(params, sink);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->customers, 20000);
  EXPECT_EQ(counts->products, 1000);
  EXPECT_EQ(static_cast<std::int64_t>(sink.orders.size()), counts->orders);

  // Gamma-Gamma: the mean order value is p * gamma / (q - 1) = 60.00.
  double total = 0;
  std::set<std::string> buyers;
  std::int64_t bundle_pairs = 0, pairs = 0;
  std::map<std::string, std::string> category;
  for (const auto& p : sink.products) category[p.sku] = p.category;
  for (const Order& o : sink.orders) {
    total += static_cast<double>(o.total_minor()) / 100.0;
    buyers.insert(o.customer_id);
    EXPECT_EQ(o.status, OrderStatus::placed);
    for (std::size_t i = 1; i < o.lines.size(); ++i) {
      ++pairs;
      if (category[o.lines[i].product_sku] == category[o.lines[i - 1].product_sku]) {
        ++bundle_pairs;
      }
    }
  }
  const double mean_value = total / static_cast<double>(sink.orders.size());
  EXPECT_NEAR(mean_value, 60.0, 3.0);
  // Prospects: 8% never buy (plus the few whose first purchase would fall after the period).
  const double prospects = 1.0 - static_cast<double>(buyers.size()) / 20000.0;
  EXPECT_NEAR(prospects, 0.08, 0.015);
  // Co-purchase structure: adjacent basket items share a category far more often than the
  // ~11% that independent draws by category weight would give.
  EXPECT_GT(static_cast<double>(bundle_pairs) / static_cast<double>(pairs), 0.5);

  // Identities are unique and consent is recorded.
  std::set<std::string> keys;
  for (const Customer& c : sink.customers) {
    for (const auto& id : c.identities) EXPECT_TRUE(keys.insert(id.key()).second) << id.key();
    EXPECT_TRUE(c.consent.contains(Channel::email));
  }
  // Every customer signs up once; events stay inside the period.
  std::int64_t sign_ups = 0;
  const Timestamp end = std::chrono::sys_days(params.start) + std::chrono::days(params.days);
  for (const Event& e : sink.events) {
    sign_ups += e.type == "sign_up";
    EXPECT_LT(e.occurred_at, end);
  }
  EXPECT_EQ(sign_ups, 20000);
}

}  // namespace
}  // namespace vafa::generate
