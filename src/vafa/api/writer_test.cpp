// The writer's group commit: a failing request in a batch undoes only its own writes; every
// request is answered after its batch commits; concurrent submitters all land.
#include "vafa/api/writer.hpp"

#include <future>
#include <latch>
#include <thread>

#include "vafa/api/api_test_support.hpp"

namespace vafa::api {
namespace {

using testing_support::ApiFixture;

class WriterTest : public ApiFixture {};

WriteJob add_customer(std::string id, bool then_fail) {
  return [id = std::move(id), then_fail](Store& store) -> Result<Reply> {
    VAFA_CHECK(
        store.upsert_customer(Customer{.id = id, .created_at = testing_support::at(2026, 1, 1)}));
    if (then_fail) return fail(ErrorCode::conflict, "refused after writing {}", id);
    return created({{"id", id}});
  };
}

TEST_F(WriterTest, AFailedRequestInABatchUndoesOnlyItself) {
  // Hold the writer in a first job so that the next three queue up and run as one batch.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::latch started(1);
  writer_->submit(
      [&](Store&) -> Result<Reply> {
        started.count_down();
        released.wait();
        return ok(Json::object());
      },
      [](Reply) {});
  started.wait();
  std::vector<std::promise<Reply>> answers(3);
  writer_->submit(add_customer("a", false), [&](Reply r) { answers[0].set_value(std::move(r)); });
  writer_->submit(add_customer("b", true), [&](Reply r) { answers[1].set_value(std::move(r)); });
  writer_->submit(add_customer("c", false), [&](Reply r) { answers[2].set_value(std::move(r)); });
  release.set_value();
  EXPECT_EQ(answers[0].get_future().get().status, 201);
  EXPECT_EQ(answers[1].get_future().get().status, 409);
  EXPECT_EQ(answers[2].get_future().get().status, 201);
  EXPECT_TRUE(store_->get_customer("a").value().has_value());
  EXPECT_FALSE(store_->get_customer("b").value().has_value());
  EXPECT_TRUE(store_->get_customer("c").value().has_value());
  EXPECT_EQ(store_->stats().value().customers, 2);
  const WriterStats stats = writer_->stats();
  EXPECT_EQ(stats.jobs, 4);
  EXPECT_EQ(stats.batches, 2);  // the held job, then the three together
}

TEST_F(WriterTest, AJobThatAnswersAnErrorKeepsNothingItWrote) {
  std::promise<Reply> answer;
  writer_->submit(
      [](Store& store) -> Result<Reply> {
        VAFA_CHECK(store.upsert_customer(
            Customer{.id = "half", .created_at = testing_support::at(2026, 1, 1)}));
        return problem(ErrorCode::conflict, "refused after writing");  // a reply, not an Error
      },
      [&](Reply r) { answer.set_value(std::move(r)); });
  EXPECT_EQ(answer.get_future().get().status, 409);
  EXPECT_FALSE(store_->get_customer("half").value().has_value());
  EXPECT_EQ(store_->stats().value().customers, 0);
}

TEST_F(WriterTest, WithACheckpointerTheLogIsCopiedBackOutsideCommitsAndAtStop) {
  // A writer whose commits never checkpoint; its checkpointer runs every 5 ms.
  Writer writer(std::move(*open_store(path())), 512, std::move(*open_store(path())),
                std::chrono::milliseconds(5));
  for (int i = 0; i < 300; ++i) {
    std::promise<Reply> answer;
    writer.submit(add_customer(fmt::format("k{}", i), false),
                  [&](Reply r) { answer.set_value(std::move(r)); });
    ASSERT_EQ(answer.get_future().get().status, 201);
  }
  writer.stop();
  // Everything is in the database file itself: a copy without the -wal file has it all.
  const auto copy = dir_ / "copy.db";
  std::filesystem::copy_file(sqlite_file(), copy);
  auto copied = open_store(copy.string());
  ASSERT_TRUE(copied.has_value());
  EXPECT_EQ((*copied)->stats().value().customers, 300);
  EXPECT_TRUE((*copied)->get_customer("k299").value().has_value());
}

// Under writes back to back with readers always in the log, passive checkpoints alone never let
// the log begin again (it grew to 1 GB in 20 s of orders): past its bound, the writer restarts it.
std::uintmax_t run_with_readers(const std::string& db, std::int64_t log_limit, int writes) {
  Writer writer(std::move(*open_store(db)), 512, std::move(*open_store(db)),
                std::chrono::milliseconds(5), log_limit);
  std::atomic<bool> done{false};
  std::atomic<std::uintmax_t> largest{0};
  std::thread reader([&] {
    auto store = std::move(*open_store(db));
    while (!done) {
      (void)store->get_customer("w0");
      std::error_code ec;
      const auto size = std::filesystem::file_size(db + "-wal", ec);
      if (!ec && size > largest) largest = size;
    }
  });
  const std::string note(2000, 'x');  // a few pages per write
  for (int i = 0; i < writes; ++i) {
    std::promise<Reply> answer;
    writer.submit(
        [i, &note](Store& store) -> Result<Reply> {
          VAFA_CHECK(store.upsert_customer(Customer{.id = fmt::format("w{}", i),
                                                    .created_at = testing_support::at(2026, 1, 1),
                                                    .name = note}));
          return created(Json::object());
        },
        [&](Reply r) { answer.set_value(std::move(r)); });
    EXPECT_EQ(answer.get_future().get().status, 201);
  }
  done = true;
  reader.join();
  EXPECT_GT(writer.stats().log_restarts + writer.stats().log_restarts_busy, log_limit > 0 ? 0 : -1);
  return largest;
}

TEST_F(WriterTest, TheLogStaysBoundedUnderWritesAndReads) {
  constexpr std::int64_t kLimit = 256 << 10;
  const std::uintmax_t largest = run_with_readers(sqlite_file(), kLimit, 3000);
  EXPECT_GT(largest, 0u);
  // The bound, plus what one batch writes after it was passed.
  EXPECT_LT(largest, std::uintmax_t{4} * kLimit) << "the log grew to " << largest << " bytes";
  EXPECT_EQ(store_->stats().value().customers, 3000);
}

TEST_F(WriterTest, ConcurrentSubmittersAllLandAndStopDrainsTheQueue) {
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::promise<Reply> answer;
        writer_->submit(add_customer(fmt::format("t{}-{}", t, i), false),
                        [&](Reply r) { answer.set_value(std::move(r)); });
        if (answer.get_future().get().status == 201) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  EXPECT_EQ(store_->stats().value().customers, kThreads * kEach);
  EXPECT_LT(writer_->stats().batches, kThreads * kEach);  // some batches held several requests

  // Queued jobs are finished by stop(); later ones are refused with 503.
  std::vector<std::promise<Reply>> queued(20);
  for (int i = 0; i < 20; ++i) {
    writer_->submit(add_customer(fmt::format("late-{}", i), false),
                    [&queued, i](Reply r) { queued[i].set_value(std::move(r)); });
  }
  writer_->stop();
  for (auto& q : queued) EXPECT_EQ(q.get_future().get().status, 201);
  std::promise<Reply> refused;
  writer_->submit(add_customer("after", false), [&](Reply r) { refused.set_value(std::move(r)); });
  EXPECT_EQ(refused.get_future().get().status, 503);
  EXPECT_EQ(store_->stats().value().customers, kThreads * kEach + 20);
}

TEST_F(WriterTest, AJobThatThrowsIsUndoneAndAnswered500) {
  std::promise<Reply> answer;
  writer_->submit(
      [](Store& store) -> Result<Reply> {
        VAFA_CHECK(store.upsert_customer(
            Customer{.id = "half", .created_at = testing_support::at(2026, 1, 1)}));
        throw std::runtime_error("a library failed");
      },
      [&](Reply r) { answer.set_value(std::move(r)); });
  EXPECT_EQ(answer.get_future().get().status, 500);
  EXPECT_FALSE(store_->get_customer("half").value().has_value());
  std::promise<Reply> next;
  writer_->submit(add_customer("after", false), [&](Reply r) { next.set_value(std::move(r)); });
  EXPECT_EQ(next.get_future().get().status, 201);  // the writer carries on
}

}  // namespace
}  // namespace vafa::api
