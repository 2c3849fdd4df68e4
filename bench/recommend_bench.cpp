// The recommender's speed (issue 5 targets: training on 10,000,000 order lines and 50,000
// products under 60 s and 4 GB; one customer's top-10 under 1 ms; every customer's top-10 for
// 1,000,000 customers under 60 s).
//
// VAFA_BENCH_DB names a store prepared by bench/run (generated customers); without it a store of
// VAFA_BENCH_CUSTOMERS (default 20,000) generated customers is made in a temporary directory.
// The shop is read once (BM_LoadShop, reported, not repeated); training, one customer's list and
// all customers' lists are then measured on it in memory. Peak RSS is reported as a counter.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "vafa/generate/sinks.hpp"
#include "vafa/recommend/engine.hpp"

#include "bench_store.hpp"

namespace {

using namespace vafa;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

using bench::must;

struct Fixture {
  bench::BenchStore bench{"recommend-bench"};
  Store* store = bench.store.get();
  std::optional<recommend::Shop> shop;
};

// The store, generated first when there is none.
Fixture& fixture() {
  static const std::unique_ptr<Fixture> f = [] {
    auto x = std::make_unique<Fixture>();
    x->bench.generate_if_empty(5);
    return x;
  }();
  return *f;
}

const recommend::Shop& shop() {
  Fixture& f = fixture();
  if (!f.shop) f.shop = must(recommend::load_shop(*f.store, std::nullopt), "load");
  return *f.shop;
}

const recommend::EngineOptions kOptions;

// Reading the order lines, products, countries and segments from the store.
void BM_LoadShop(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) f.shop = must(recommend::load_shop(*f.store, std::nullopt), "load");
  state.counters["lines"] = static_cast<double>(f.shop->train.size());
  state.counters["products"] = static_cast<double>(f.shop->products());
  state.counters["customers"] = static_cast<double>(f.shop->customers());
}

void BM_Train(benchmark::State& state) {
  const recommend::Shop& shop = ::shop();
  for (auto _ : state) {
    auto engine = must(recommend::Engine::train(shop, kOptions), "train");
    benchmark::DoNotOptimize(engine.model().pairs_counted());
  }
  state.counters["lines"] = static_cast<double>(shop.train.size());
  state.counters["peak_rss_mb"] = peak_rss_mb();
}

const recommend::Engine& engine() {
  static const recommend::Engine e = must(recommend::Engine::train(shop(), kOptions), "train");
  return e;
}

void BM_RecommendOneCustomer(benchmark::State& state) {
  const recommend::Engine& e = engine();
  std::mt19937_64 rng(3);
  const auto n = shop().customers();
  for (auto _ : state) {
    benchmark::DoNotOptimize(e.recommend(static_cast<std::uint32_t>(rng() % n)));
  }
}

// Every customer's list on `threads` threads, as `vafa recommend train` computes them.
void BM_RecommendAllCustomers(benchmark::State& state) {
  const recommend::Engine& e = engine();
  const auto n = shop().customers();
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    std::vector<std::size_t> sizes(threads, 0);
    {
      std::vector<std::jthread> pool;
      for (unsigned w = 0; w < threads; ++w) {
        pool.emplace_back([&, w] {
          for (std::size_t c = n * w / threads; c < n * (w + 1) / threads; ++c) {
            sizes[w] += e.recommend(static_cast<std::uint32_t>(c)).size();
          }
        });
      }
    }
    benchmark::DoNotOptimize(sizes);
  }
  state.counters["customers"] = static_cast<double>(n);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}

BENCHMARK(BM_LoadShop)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_Train)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_RecommendOneCustomer)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RecommendAllCustomers)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
