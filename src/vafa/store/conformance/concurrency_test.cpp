// The conformance suite (fixture.hpp): units of work and what other connections see of them:
// a write that fails mid-way leaves nothing, two writers lose nothing, a reader sees only what
// was committed; backups and import bookkeeping.
#include <thread>

#include "vafa/store/conformance/fixture.hpp"

namespace vafa::conformance {
namespace {

TEST_P(StoreConformance, ATransactionNotCommittedLeavesNothing) {
  const auto run = new_run();
  ASSERT_TRUE(store_->upsert_customer(Customer{
      .id = "owner", .identities = {Identity{.kind = IdentityKind::email, .value = "a@x.am"}}}));
  const StoreStats before = store_->stats().value();
  {
    auto txn = Transaction::begin(*store_);
    ASSERT_TRUE(txn);
    ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 1, 5)}), run));
    // The next write fails (the identity is another customer's): the unit of work is abandoned.
    const Status clash = store_->upsert_customer(Customer{
        .id = "c1", .identities = {Identity{.kind = IdentityKind::email, .value = "a@x.am"}}});
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error().code, ErrorCode::conflict);
  }  // rolled back here
  EXPECT_FALSE(store_->get_order("o1").value());
  EXPECT_FALSE(store_->customer_row("c1").value());
  EXPECT_EQ(store_->stats().value().orders, before.orders);
  EXPECT_EQ(store_->stats().value().customers, before.customers);
  EXPECT_TRUE(store_->begin());  // and no transaction is left open
  EXPECT_TRUE(store_->rollback());
}

TEST_P(StoreConformance, CommitAndContinueKeepsEachBatch) {
  const auto run = new_run();
  {
    auto txn = Transaction::begin(*store_);
    ASSERT_TRUE(txn);
    ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 1, 5)}), run));
    ASSERT_TRUE(txn->commit_and_continue());
    EXPECT_TRUE(txn->open());
    ASSERT_TRUE(store_->put_order(make_order("o2", "c1", day(2024, 1, 2), {line("A", 1, 5)}), run));
  }  // the second batch is not committed
  EXPECT_TRUE(store_->get_order("o1").value());
  EXPECT_FALSE(store_->get_order("o2").value());
  auto txn = Transaction::begin(*store_);
  ASSERT_TRUE(txn);
  EXPECT_FALSE(Transaction::begin(*store_));  // one at a time per connection
  ASSERT_TRUE(txn->commit());
  EXPECT_FALSE(txn->open());
  EXPECT_TRUE(txn->commit());  // committing a finished unit of work is a no-op
}

TEST_P(StoreConformance, AReaderSeesOnlyCommittedWrites) {
  const auto run = new_run();
  auto reader = open_again();
  ASSERT_NE(reader, nullptr);
  auto txn = Transaction::begin(*store_);
  ASSERT_TRUE(txn);
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 1, 5)}), run));
  EXPECT_TRUE(store_->get_order("o1").value());  // the writer sees its own write
  EXPECT_FALSE(reader->get_order("o1").value());
  EXPECT_EQ(reader->stats().value().orders, 0);
  ASSERT_TRUE(txn->commit());
  EXPECT_TRUE(reader->get_order("o1").value());
  EXPECT_EQ(reader->stats().value().orders, 1);
}

TEST_P(StoreConformance, TwoWritersLoseNothing) {
  constexpr int kBatches = 10, kOrders = 20;
  const auto run = new_run();
  auto write = [&](std::string who) {
    auto store = open_again();
    ASSERT_NE(store, nullptr);
    for (int b = 0; b < kBatches; ++b) {
      auto txn = Transaction::begin(*store);
      ASSERT_TRUE(txn) << txn.error().message;
      for (int i = 0; i < kOrders; ++i) {
        const std::string id = who + "-" + std::to_string(b * kOrders + i);
        ASSERT_TRUE(store->put_order(
            make_order(id, who, day(2024, 1, 1) + seconds(b * kOrders + i), {line("A", 1, 5)}),
            run));
      }
      const Status done = txn->commit();
      ASSERT_TRUE(done) << done.error().message;
    }
  };
  std::thread first(write, "a"), second(write, "b");
  first.join();
  second.join();
  const StoreStats stats = store_->stats().value();
  EXPECT_EQ(stats.orders, 2 * kBatches * kOrders);
  EXPECT_EQ(stats.customers, 2);
  EXPECT_EQ(stats.revenue_minor.at("USD"), 2 * kBatches * kOrders * 5);
  for (const char* id : {"a-0", "a-199", "b-0", "b-199"}) {
    EXPECT_TRUE(store_->get_order(id).value()) << id;
  }
}

TEST_P(StoreConformance, BackupIsAWholeStoreAndNeverOverwritesUnasked) {
  const auto run = new_run();
  ASSERT_TRUE(store_->put_order(make_order("o1", "c1", day(2024, 1, 1), {line("A", 2, 5)}), run));
  ASSERT_TRUE(store_->finish_import(run, ImportCounts{.records = 1, .accepted = 1},
                                    ImportStatus::completed, day(2024, 1, 2)));
  EXPECT_FALSE(store_->describe().empty());
  const std::string copy = (dir_ / "copy.db").string();
  const std::int64_t bytes = store_->backup(copy, false).value();
  EXPECT_GT(bytes, 0);
  EXPECT_EQ(store_->backup(copy, false).error().code, ErrorCode::conflict);
  ASSERT_TRUE(store_->put_order(make_order("o2", "c1", day(2024, 1, 3), {line("A", 1, 5)}), run));
  ASSERT_TRUE(store_->backup(copy, true));
  auto restored = open_store(copy);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ((*restored)->stats().value().orders, 2);
  EXPECT_EQ((*restored)->get_order("o1").value()->lines.at(0).quantity, 2);
  EXPECT_EQ((*restored)->schema_version().value(), store_->schema_version().value());
}

}  // namespace
}  // namespace vafa::conformance
