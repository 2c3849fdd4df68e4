#include "vafa/store/sqlite/sqlite_store.hpp"

#include <filesystem>
#include <fstream>

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
