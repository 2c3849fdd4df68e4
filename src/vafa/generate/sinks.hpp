// Where `vafa generate` writes: files that `vafa import` reads back, or the store directly.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "vafa/core/clock.hpp"
#include "vafa/generate/generator.hpp"
#include "vafa/store/store.hpp"

namespace vafa::generate {

// customers.csv, products.csv, orders.csv (one row per order line), events.ndjson and spend.csv
// in `dir`,
// in the column names the importer maps by default.
class FileSink final : public Sink {
 public:
  static Result<std::unique_ptr<FileSink>> open(const std::string& dir);
  ~FileSink() override;

  Status product(const Product& product) override;
  Status customer(const Customer& customer) override;
  Status order(const Order& order) override;
  Status event(const Event& event) override;
  Status spend(const SpendRecord& row) override;
  // Flushes and closes the files; errors (a full disk) are reported here.
  Status close();

 private:
  struct File;
  FileSink() = default;
  std::unique_ptr<File> customers_, products_, orders_, events_, spend_;
};

// Generates straight into the store as import run `run`: the generator runs on a second thread
// and hands records over in batches while the caller's thread writes them, committing every
// `batch_customers` customers. The caller has started the run and finishes it.
Result<GeneratedCounts> generate_into_store(const GeneratorParams& params, Store& store,
                                            std::int64_t run,
                                            std::int64_t batch_customers = 50'000);

}  // namespace vafa::generate
