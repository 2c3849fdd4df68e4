// Units of work. Writes between begin() and commit() are atomic and durable once commit()
// returns; without begin() each write is its own transaction. Transaction is the RAII form:
// it rolls back whatever it did not commit, on every return path and on exceptions.
#pragma once

#include <utility>

#include "vafa/core/error.hpp"

namespace vafa {

class Transactions {
 public:
  virtual ~Transactions() = default;

  // rollback() undoes the writes since begin().
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  // One level of nesting inside begin()/commit(), for batching independent requests in one
  // transaction: rollback_to_savepoint() undoes the writes made since savepoint() and keeps the
  // transaction's earlier ones; release_savepoint() keeps them.
  virtual Status savepoint() = 0;
  virtual Status release_savepoint() = 0;
  virtual Status rollback_to_savepoint() = 0;
};

// An open transaction of a store:
//   VAFA_TRY(Transaction txn, Transaction::begin(store));
//   VAFA_CHECK(store.put_...);      // an early return rolls back
//   return txn.commit();
class Transaction {
 public:
  static Result<Transaction> begin(Transactions& store) {
    VAFA_CHECK(store.begin());
    return Transaction(store);
  }
  Transaction(Transaction&& other) noexcept : store_(std::exchange(other.store_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (store_ != nullptr) (void)store_->rollback();
  }

  // Ends the transaction either way; after a failed commit nothing of it is kept.
  Status commit() {
    Transactions* store = std::exchange(store_, nullptr);
    if (store == nullptr) return {};
    Status done = store->commit();
    if (!done) (void)store->rollback();
    return done;
  }
  // Commits what was written so far and opens the next transaction (a long load committed in
  // batches); when the commit fails nothing since the last one is kept and none is open.
  Status commit_and_continue() {
    if (store_ == nullptr) return fail(ErrorCode::internal, "no open transaction");
    if (Status done = store_->commit(); !done) {
      (void)rollback();
      return done;
    }
    if (Status begun = store_->begin(); !begun) {
      store_ = nullptr;
      return begun;
    }
    return {};
  }
  Status rollback() {
    Transactions* store = std::exchange(store_, nullptr);
    return store == nullptr ? Status{} : store->rollback();
  }
  bool open() const { return store_ != nullptr; }

 private:
  explicit Transaction(Transactions& store) : store_(&store) {}
  Transactions* store_;
};

}  // namespace vafa
