// The API's single writer with group commit. Connections hand it WriteJobs; its thread takes
// every job waiting (up to max_batch), runs each inside one transaction under a savepoint of its
// own (an error undoes that job only), commits once, and only then answers each job. So a 2xx
// answer always means the write is durable (synchronous=FULL), and under load one fsync serves
// many requests. A failed commit answers every job of the batch with 503 and keeps nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "vafa/api/service.hpp"

namespace vafa::api {

struct WriterStats {
  std::int64_t batches = 0;
  std::int64_t jobs = 0;
  std::int64_t failed_commits = 0;
  double commit_seconds = 0;  // total time in commit()
  double batch_seconds = 0;   // total time from begin() to the end of commit()
};

class Writer {
 public:
  using Done = std::function<void(Reply)>;

  // Takes the store for its thread's exclusive use. With a `checkpointer` (a second
  // connection to the same store), commits no longer checkpoint the write-ahead log: a thread of
  // its own does it every `checkpoint_every`, so no request waits for that fsync.
  explicit Writer(std::unique_ptr<Store> store, std::size_t max_batch = 512,
                  std::unique_ptr<Store> checkpointer = nullptr,
                  std::chrono::milliseconds checkpoint_every = std::chrono::seconds(1));
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues a job; `done` runs on the writer's thread once the job's batch has committed (or
  // failed). After stop(), jobs are answered 503 at once.
  void submit(WriteJob job, Done done);

  // Finishes every queued job, then ends the thread. Idempotent.
  void stop();

  WriterStats stats() const;
  std::size_t queued() const;

 private:
  struct Item {
    WriteJob job;
    Done done;
  };
  void run();
  void run_batch(std::deque<Item>& batch);
  void run_checkpoints();

  std::unique_ptr<Store> store_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  std::thread thread_;
  std::unique_ptr<Store> checkpointer_;
  const std::chrono::milliseconds checkpoint_every_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_stopping_ = false;
  std::thread checkpoint_thread_;
};

}  // namespace vafa::api
