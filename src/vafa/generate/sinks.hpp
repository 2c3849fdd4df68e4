// Where `vafa generate` writes: files that `vafa import` reads back, or the store directly.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "vafa/core/clock.hpp"
#include "vafa/generate/generator.hpp"
#include "vafa/store/store.hpp"

namespace vafa::generate {

// customers.csv, products.csv, orders.csv (one row per order line) and events.ndjson in `dir`,
// in the column names the importer maps by default.
class FileSink final : public Sink {
 public:
  static Result<std::unique_ptr<FileSink>> open(const std::string& dir);
  ~FileSink() override;

  Status product(const Product& product) override;
  Status customer(const Customer& customer) override;
  Status order(const Order& order) override;
  Status event(const Event& event) override;
  Status customer_done(std::int64_t index) override;
  // Flushes and closes the files; errors (a full disk) are reported here.
  Status close();

 private:
  struct File;
  FileSink() = default;
  std::unique_ptr<File> customers_, products_, orders_, events_;
};

// Writes into the store as one import run, committing every `batch` customers.
class StoreSink final : public Sink {
 public:
  StoreSink(Store& store, std::int64_t run, std::int64_t batch = 10'000)
      : store_(store), run_(run), batch_(batch) {}

  Status begin() { return store_.begin(); }
  Status product(const Product& product) override { return store_.upsert_product(product); }
  Status customer(const Customer& customer) override { return store_.upsert_customer(customer); }
  Status order(const Order& order) override { return store_.put_order(order, run_); }
  Status event(const Event& event) override { return store_.put_event(event); }
  Status customer_done(std::int64_t index) override;
  Status finish() { return store_.commit(); }

 private:
  Store& store_;
  std::int64_t run_;
  std::int64_t batch_;
};

}  // namespace vafa::generate
