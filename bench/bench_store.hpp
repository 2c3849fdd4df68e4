// What the store-backed benchmarks share: stopping on a failed step, and the store they run on
// (VAFA_BENCH_DB when given, else a temporary one the caller fills).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "vafa/generate/sinks.hpp"
#include "vafa/store/store.hpp"

namespace vafa::bench {

// The value of a step that must succeed; a failure ends the benchmark with its message.
template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) {
    fmt::print(stderr, "bench: {}: {}\n", what, r.error().message);
    std::exit(1);
  }
  return std::move(*r);
}

inline void must(const Status& s, const char* what) {
  if (!s) {
    fmt::print(stderr, "bench: {}: {}\n", what, s.error().message);
    std::exit(1);
  }
}

// The store named by VAFA_BENCH_DB, or a new one in a temporary directory (removed with it).
struct BenchStore {
  std::filesystem::path dir;  // empty when the store is VAFA_BENCH_DB
  std::unique_ptr<Store> store;

  explicit BenchStore(const char* name) {
    std::string path;
    if (const char* db = std::getenv("VAFA_BENCH_DB")) {
      path = db;
    } else {
      dir = std::filesystem::temp_directory_path() / fmt::format("vafa-{}-{}", name, ::getpid());
      std::filesystem::create_directories(dir);
      path = (dir / "bench.db").string();
    }
    store = must(open_store(path), "open the store");
  }
  // Fills an empty store with VAFA_BENCH_CUSTOMERS (default 20,000) generated customers;
  // returns whether it did.
  bool generate_if_empty(std::uint64_t seed) {
    if (must(store->stats(), "stats").customers > 0) return false;
    const char* n = std::getenv("VAFA_BENCH_CUSTOMERS");
    const generate::GeneratorParams params{.customers = n != nullptr ? std::atoll(n) : 20'000,
                                           .seed = seed};
    const std::int64_t run = must(store->start_import("generate", "bench", Timestamp{}), "run");
    must(generate::generate_into_store(params, *store, run), "generate");
    must(store->finish_import(run, {}, ImportStatus::completed, Timestamp{}), "finish");
    return true;
  }

  ~BenchStore() {
    store.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  BenchStore(const BenchStore&) = delete;
  BenchStore& operator=(const BenchStore&) = delete;
};

}  // namespace vafa::bench
