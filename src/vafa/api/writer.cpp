#include "vafa/api/writer.hpp"

#include <chrono>

namespace vafa::api {

namespace {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Reply unavailable(const Error& error) {
  return problem(ErrorCode::unavailable, "the write was not stored ({}); retry it", error.message);
}

// A job that throws is undone like one that fails, and answers 500 (logged).
Result<Reply> run_job(const WriteJob& job, Store& store) {
  try {
    return job(store);
  } catch (const std::exception& e) {
    return fail(ErrorCode::internal, "uncaught exception in a write: {}", e.what());
  }
}

}  // namespace

Writer::Writer(std::unique_ptr<Store> store, std::size_t max_batch,
               std::unique_ptr<Store> checkpointer, std::chrono::milliseconds checkpoint_every,
               std::int64_t log_limit, LoggerPtr logger)
    : logger_(std::move(logger)),
      store_(std::move(store)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      checkpointer_(std::move(checkpointer)),
      checkpoint_every_(checkpoint_every),
      log_limit_(log_limit) {
  if (checkpointer_) {
    log_ = dynamic_cast<WriteAheadLog*>(store_.get());
    checkpointer_log_ = dynamic_cast<WriteAheadLog*>(checkpointer_.get());
    Status off =
        log_ != nullptr && checkpointer_log_ != nullptr
            ? log_->set_auto_checkpoint(false)
            : fail(ErrorCode::not_allowed, "{} keeps no write-ahead log", store_->describe());
    if (!off) {
      logger_->warning("checkpoints stay in commits: {}", off.error().message);
      checkpointer_.reset();
      log_ = checkpointer_log_ = nullptr;
    } else {
      checkpoint_thread_ = std::thread([this] { run_checkpoints(); });
    }
  }
  thread_ = std::thread([this] { run(); });
}

void Writer::run_checkpoints() {
  std::unique_lock lock(mutex_);
  while (!checkpoint_stopping_) {
    checkpoint_wake_.wait_for(lock, checkpoint_every_);
    lock.unlock();
    if (Status done = checkpointer_log_->checkpoint(WriteAheadLog::Checkpoint::passive); !done) {
      logger_->error("{}", done.error().message);
    }
    lock.lock();
  }
}

Writer::~Writer() { stop(); }

void Writer::submit(WriteJob job, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(job), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(problem(ErrorCode::unavailable, "the server is shutting down; retry the write"));
}

void Writer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mutex_);
    checkpoint_stopping_ = true;
    checkpoint_wake_.notify_one();
  }
  if (checkpoint_thread_.joinable()) {
    checkpoint_thread_.join();
    (void)log_->set_auto_checkpoint(true);
    (void)checkpointer_log_->checkpoint(
        WriteAheadLog::Checkpoint::passive);  // what the last batches wrote
  }
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::size_t Writer::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Writer::run() {
  std::deque<Item> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is answered
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
    bound_log();
  }
}

// Between two batches, so no acknowledged write waits for it: a restart checkpoint once the
// log has passed its bound (the passive checkpoints have copied most of it already).
void Writer::bound_log() {
  const std::int64_t bytes = log_ != nullptr ? log_->log_bytes() : 0;
  if (checkpointer_log_ == nullptr || log_limit_ <= 0 || bytes < log_limit_) {
    std::lock_guard lock(mutex_);
    stats_.log_bytes = bytes;
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  Status restarted = log_->checkpoint(WriteAheadLog::Checkpoint::restart);
  if (!restarted && restarted.error().code != ErrorCode::unavailable) {
    logger_->error("{}", restarted.error().message);
  }
  std::lock_guard lock(mutex_);
  ++(restarted ? stats_.log_restarts : stats_.log_restarts_busy);
  stats_.log_restart_seconds += since(started);
  stats_.log_bytes = log_->log_bytes();
}

void Writer::run_batch(std::deque<Item>& batch) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Reply> replies;
  replies.reserve(batch.size());
  Store& store = *store_;
  Result<Transaction> txn = Transaction::begin(store);
  Status status = txn ? Status{} : Status(std::unexpected(txn.error()));
  for (Item& item : batch) {
    if (!status) break;
    status = store.savepoint();
    if (!status) break;
    Result<Reply> reply = run_job(item.job, store);
    if (reply && reply->status < 400) {
      status = store.release_savepoint();
      replies.push_back(std::move(*reply));
    } else if (reply) {
      // A job that answers an error keeps nothing it wrote before deciding so.
      status = store.rollback_to_savepoint();
      replies.push_back(std::move(*reply));
    } else {
      status = store.rollback_to_savepoint();
      replies.push_back(problem(reply.error()));
    }
  }
  double commit_seconds = 0;
  if (status) {
    const auto commit_started = std::chrono::steady_clock::now();
    status = txn->commit();  // nothing of the batch is kept when it fails
    commit_seconds = since(commit_started);
  } else if (txn) {
    (void)txn->rollback();
  }
  {
    // Counted before anyone is answered, so an answered request is always in the figures.
    std::lock_guard lock(mutex_);
    ++stats_.batches;
    stats_.jobs += static_cast<std::int64_t>(batch.size());
    if (!status) ++stats_.failed_commits;
    stats_.commit_seconds += commit_seconds;
    stats_.batch_seconds += since(started);
  }
  if (!status) {
    for (Item& item : batch) item.done(unavailable(status.error()));
  } else {
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(replies[i]));
  }
}

}  // namespace vafa::api
