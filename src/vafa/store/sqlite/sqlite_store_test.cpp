#include "vafa/store/sqlite/sqlite_store.hpp"

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "vafa/store/sqlite/migrations.hpp"

namespace vafa {
namespace {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("vafa-sqlite-" + std::to_string(::getpid()) + "-" + name);
}

TEST(SqliteStore, MigrationsAreNumberedAndApplied) {
  const auto& all = sqlite::migrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
  const auto path = temp_path("migrate.db");
  std::filesystem::remove(path);
  {
    auto store = SqliteStore::open(path.string()).value();
    EXPECT_EQ(store->schema_version().value(), all.back().version);
  }
  auto again = SqliteStore::open(path.string());  // re-opening applies nothing twice
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->schema_version().value(), all.back().version);
  again->reset();
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

// Regression: two processes opening one new database at once both ran migration 0001 ("table
// customers already exists"), because the version was read before taking the write lock.
TEST(SqliteStore, ConcurrentOpensOfANewDatabaseApplyEachMigrationOnce) {
  for (int round = 0; round < 20; ++round) {
    const auto path = temp_path("concurrent-" + std::to_string(round) + ".db");
    for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    std::vector<std::thread> openers;
    std::vector<std::string> errors(4);
    for (std::size_t i = 0; i < errors.size(); ++i) {
      openers.emplace_back([&, i] {
        auto store = SqliteStore::open(path.string());
        if (!store) errors[i] = store.error().message;
      });
    }
    for (auto& opener : openers) opener.join();
    for (const auto& error : errors) EXPECT_EQ(error, "") << "round " << round;
    auto store = SqliteStore::open(path.string()).value();
    EXPECT_EQ(store->schema_version().value(), sqlite::migrations().back().version);
    store.reset();
    for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }
}

// A kill -9 mid-import left its run 'running' for ever; the next open (or import) finds its
// process gone and marks it interrupted. Runs of live processes, and of other hosts, stay.
TEST(SqliteStore, RunsOfKilledImportsAreMarkedInterrupted) {
  const auto path = temp_path("interrupted.db");
  std::filesystem::remove(path);
  std::int64_t mine = 0;
  {
    auto store = SqliteStore::open(path.string()).value();
    mine = store->start_import("orders", "a.csv", Timestamp{}).value();
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
    const std::string sql = fmt::format(
        "INSERT INTO import_runs(id, kind, source, started_at, status, owner) VALUES"
        " (100, 'orders', 'b.csv', 0, 'running', '{0}:2147483646:1'),"  // no such process
        " (101, 'orders', 'c.csv', 0, 'running', '{0}:{1}:1'),"         // this pid, another start
        " (102, 'orders', 'd.csv', 0, 'running', 'elsewhere.example:1:1'),"
        " (103, 'orders', 'e.csv', 0, 'completed', '{0}:2147483646:1')",
        host, ::getpid());
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  auto store = SqliteStore::open(path.string()).value();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  auto status_of_run = [&](std::int64_t run) {
    sqlite3_stmt* q = nullptr;
    EXPECT_EQ(
        sqlite3_prepare_v2(raw, "SELECT status FROM import_runs WHERE id = ?1", -1, &q, nullptr),
        SQLITE_OK);
    sqlite3_bind_int64(q, 1, run);
    std::string status = sqlite3_step(q) == SQLITE_ROW
                             ? reinterpret_cast<const char*>(sqlite3_column_text(q, 0))
                             : "";
    sqlite3_finalize(q);
    return status;
  };
  EXPECT_EQ(status_of_run(mine), "running");  // this process is alive
  EXPECT_EQ(status_of_run(100), "interrupted");
  EXPECT_EQ(status_of_run(101), "interrupted");
  EXPECT_EQ(status_of_run(102), "running");
  EXPECT_EQ(status_of_run(103), "completed");
  sqlite3_close(raw);
  store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST(SqliteStore, RejectsAFileThatIsNotADatabase) {
  const auto path = temp_path("not-a-db.db");
  std::ofstream(path) << "customer_id,date\n1,2\n";
  auto store = open_store(path.string());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::data_loss);
  EXPECT_NE(store.error().message.find("not"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(SqliteStore, UnwritableLocationIsAnIoError) {
  auto store = open_store("/nonexistent-dir/vafa.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::io);
}

TEST(SqliteStore, PostgresUrlIsAClearError) {
  auto store = open_store("postgres://localhost/vafa");
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("PostgreSQL"), std::string::npos);
}

}  // namespace
}  // namespace vafa

namespace vafa {
namespace {

void expect_same(const StoreStats& a, const StoreStats& b, const std::string& when) {
  EXPECT_EQ(a.customers, b.customers) << when;
  EXPECT_EQ(a.orders, b.orders) << when;
  EXPECT_EQ(a.order_lines, b.order_lines) << when;
  EXPECT_EQ(a.returns, b.returns) << when;
  EXPECT_EQ(a.guest_orders, b.guest_orders) << when;
  EXPECT_EQ(a.products, b.products) << when;
  EXPECT_EQ(a.events, b.events) << when;
  EXPECT_EQ(a.rejected_rows, b.rejected_rows) << when;
  EXPECT_EQ(a.revenue_minor, b.revenue_minor) << when;
  EXPECT_EQ(a.first_order, b.first_order) << when;
  EXPECT_EQ(a.last_order, b.last_order) << when;
}

// The totals stats() reads are maintained write by write; after any mix of inserts, appends,
// replacements, duplicates and rollbacks they equal a full recount.
// The write-ahead log capability (write_ahead_log.hpp) that the API's writer uses: the Store
// itself knows nothing of it, the SQLite backend offers it beside.
TEST(SqliteStore, OffersItsWriteAheadLogAsACapability) {
  const auto path = temp_path("wal.db");
  for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  std::unique_ptr<Store> store = open_store(path.string()).value();
  auto* log = dynamic_cast<WriteAheadLog*>(store.get());
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->set_auto_checkpoint(false));
  const auto run = store->start_import("orders", "wal.csv", Timestamp{}).value();
  for (int i = 0; i < 50; ++i) {
    Order order{.id = "o" + std::to_string(i),
                .customer_id = "c",
                .currency = Currency::parse("USD").value()};
    order.lines = {
        OrderLine{.product_sku = "A", .quantity = 1, .unit_price_minor = 1, .amount_minor = 1}};
    ASSERT_TRUE(store->put_order(order, run));
  }
  const std::int64_t grown = log->log_bytes();
  EXPECT_GT(grown, 0);
  auto other = open_store(path.string()).value();
  ASSERT_TRUE(
      dynamic_cast<WriteAheadLog*>(other.get())->checkpoint(WriteAheadLog::Checkpoint::passive));
  ASSERT_TRUE(log->checkpoint(WriteAheadLog::Checkpoint::restart));
  ASSERT_TRUE(store->put_event(Event{.id = "e1", .customer_id = "c", .type = "visit"}));
  EXPECT_LT(log->log_bytes(), grown);  // the next commit wrote from the log's beginning
  ASSERT_TRUE(log->set_auto_checkpoint(true));
  other.reset();
  store.reset();
  for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST(SqliteStore, MaintainedTotalsEqualARecount) {
  const auto path = temp_path("totals.db");
  std::filesystem::remove(path);
  auto store = SqliteStore::open(path.string()).value();
  const Currency usd = Currency::parse("USD").value();
  const Currency amd = Currency::parse("AMD").value();
  std::uint64_t state = 7;
  auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 6; ++round) {
    const auto source = "file" + std::to_string(round % 2);
    const std::int64_t run = store->start_import("orders", source, Timestamp{}).value();
    ASSERT_TRUE(store->begin());
    for (int i = 0; i < 300; ++i) {
      const int kind = static_cast<int>(next(10));
      if (kind < 6) {
        Order order{.id = "o" + std::to_string(next(150)),
                    .customer_id = next(8) == 0 ? "" : "c" + std::to_string(next(60)),
                    .channel = Channel::web,
                    .placed_at = Timestamp{std::chrono::seconds{1'600'000'000 + next(1000) * 3600}},
                    .currency = next(5) == 0 ? amd : usd,
                    .status = next(6) == 0 ? OrderStatus::returned : OrderStatus::placed,
                    .country = "AM",
                    .lines = {}};
        for (std::uint64_t l = 0; l <= next(3); ++l) {
          order.lines.push_back(OrderLine{.product_sku = "p" + std::to_string(next(20)),
                                          .quantity = 1,
                                          .amount_minor = static_cast<std::int64_t>(next(5000))});
        }
        (void)store->put_order(order, run);  // a currency clash within a run is refused
      } else if (kind == 6) {
        ASSERT_TRUE(store->put_event(Event{.id = "e" + std::to_string(next(100)),
                                           .customer_id = "c" + std::to_string(next(80)),
                                           .type = "open",
                                           .occurred_at = Timestamp{}}));
      } else if (kind == 7) {
        ASSERT_TRUE(store->put_rejected(
            run,
            RejectedRow{
                .source = source, .line = static_cast<std::int64_t>(next(40)), .reason = "bad"}));
      } else if (kind == 8) {
        (void)store->upsert_customer(
            Customer{.id = "c" + std::to_string(next(90)), .created_at = Timestamp{}, .name = "n"});
      } else {
        ASSERT_TRUE(
            store->upsert_product(Product{.sku = "p" + std::to_string(next(30)), .name = "x"}));
      }
    }
    if (round == 3) {
      ASSERT_TRUE(store->rollback());
    } else {
      ASSERT_TRUE(store->commit());
    }
    expect_same(store->stats().value(), store->recount().value(), "round " + std::to_string(round));
  }
  // Totals survive reopening, and an empty store reports no orders.
  store.reset();
  auto again = SqliteStore::open(path.string()).value();
  expect_same(again->stats().value(), again->recount().value(), "reopened");
  again.reset();
  for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace vafa
