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
#include "vafa/core/log.hpp"
#include "vafa/store/write_ahead_log.hpp"

namespace vafa::api {

struct WriterStats {
  std::int64_t batches = 0;
  std::int64_t jobs = 0;
  std::int64_t failed_commits = 0;
  double commit_seconds = 0;           // total time in commit()
  double batch_seconds = 0;            // total time from begin() to the end of commit()
  std::int64_t log_restarts = 0;       // restart checkpoints that let the log begin again
  std::int64_t log_restarts_busy = 0;  // ... that readers kept from finishing (tried again)
  double log_restart_seconds = 0;      // total time the writer spent in them
  std::int64_t log_bytes = 0;          // the log's size after the last commit
};

class Writer {
 public:
  using Done = std::function<void(Reply)>;

  // Takes the store for its thread's exclusive use. With a `checkpointer` (a second
  // connection to the same store), commits no longer checkpoint the write-ahead log: a thread of
  // its own does it every `checkpoint_every`, so no request waits for that fsync. And once a
  // commit leaves the log larger than `log_limit` bytes, the writer takes a restart checkpoint
  // before its next batch (store.hpp), so the log stays bounded under sustained writes.
  // The defaults, chosen by bench/run's 60 s order load on 2 cores: passive checkpoints every
  // 100 ms keep the part of the log a restart must still copy small (a restart then blocks the
  // writer for about 35 ms instead of 60-90 ms with one every second), and a 192 MiB limit makes
  // restarts rare (about one every 2.5 s at 2,500 orders/s) while the log stays under 256 MB.
  explicit Writer(std::unique_ptr<Store> store, std::size_t max_batch = 512,
                  std::unique_ptr<Store> checkpointer = nullptr,
                  std::chrono::milliseconds checkpoint_every = std::chrono::milliseconds(100),
                  std::int64_t log_limit = kDefaultLogLimit,
                  LoggerPtr logger = stderr_logger("vafa serve"));
  static constexpr std::int64_t kDefaultLogLimit = 192 << 20;
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
  void bound_log();

  LoggerPtr logger_;
  std::unique_ptr<Store> store_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  std::thread thread_;
  std::unique_ptr<Store> checkpointer_;
  // The stores' write-ahead logs, when the backend has one and checkpoints are taken apart.
  WriteAheadLog* log_ = nullptr;
  WriteAheadLog* checkpointer_log_ = nullptr;
  const std::chrono::milliseconds checkpoint_every_;
  const std::int64_t log_limit_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_stopping_ = false;
  std::thread checkpoint_thread_;
};

}  // namespace vafa::api
