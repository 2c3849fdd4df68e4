// A bounded queue that hands batches from one producer thread to one consumer thread.
//
// push() waits while `capacity` batches are waiting, so a fast producer cannot grow memory
// without bound. The consumer may close() the queue to stop early: pushes then return at once
// and the producer should check closed() and finish. Spent batches can be given back, so the
// producer reuses them and frees their contents itself (allocation and release stay on one
// thread, which glibc's per-thread arenas reward). Thread-safe for one producer and one consumer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace vafa {

template <typename Batch>
class HandoffQueue {
 public:
  explicit HandoffQueue(std::size_t capacity) : capacity_(capacity) {}

  void push(Batch batch) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return ready_.size() < capacity_ || closed_; });
    if (closed_) return;
    ready_.push_back(std::move(batch));
    not_empty_.notify_one();
  }

  // Waits for the next batch. The producer must push a last batch that says so.
  Batch pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !ready_.empty(); });
    Batch batch = std::move(ready_.front());
    ready_.pop_front();
    not_full_.notify_one();
    return batch;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_.store(true, std::memory_order_release);
    ready_.clear();
    not_full_.notify_all();
  }

  // Lock-free: the producer asks once per record.
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  void give_back(Batch batch) {
    std::lock_guard lock(mutex_);
    spent_.push_back(std::move(batch));
  }

  std::optional<Batch> take_spent() {
    std::lock_guard lock(mutex_);
    if (spent_.empty()) return std::nullopt;
    Batch batch = std::move(spent_.front());
    spent_.pop_front();
    return batch;
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> ready_;
  std::deque<Batch> spent_;
  std::atomic<bool> closed_{false};
};

}  // namespace vafa
