#include "vafa/core/handoff_queue.hpp"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace vafa {
namespace {

struct Batch {
  std::vector<int> values;
  bool last = false;
};

TEST(HandoffQueue, DeliversEveryBatchInOrderAndRecyclesSpentOnes) {
  HandoffQueue<Batch> queue(2);
  int recycled = 0;
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) {
      Batch batch;
      if (auto spent = queue.take_spent()) {
        batch = std::move(*spent);
        batch.values.clear();
        ++recycled;
      }
      batch.values.push_back(i);
      batch.last = i == 999;
      queue.push(std::move(batch));
    }
  });
  int expected = 0;
  while (true) {
    Batch batch = queue.pop();
    ASSERT_EQ(batch.values.size(), 1u);
    EXPECT_EQ(batch.values[0], expected++);
    const bool last = batch.last;
    queue.give_back(std::move(batch));
    if (last) break;
  }
  producer.join();
  EXPECT_EQ(expected, 1000);
  EXPECT_GT(recycled, 0);
}

TEST(HandoffQueue, CloseReleasesABlockedProducer) {
  HandoffQueue<Batch> queue(1);
  std::thread producer([&] {
    int pushed = 0;
    while (!queue.closed()) {
      queue.push(Batch{{pushed++}, false});  // blocks once the queue is full
    }
  });
  (void)queue.pop();  // let it make some progress, then stop it
  queue.close();
  producer.join();  // would hang if close() did not wake the producer
  EXPECT_TRUE(queue.closed());
}

}  // namespace
}  // namespace vafa
