// After one new order, how long until that customer's metrics, score and segment memberships are
// current (issue 4 target: under 5 ms)? Each iteration writes one order for a random customer in
// its own transaction, as an import batch or an API call commits it, and then brings the changed
// customer up to date with update_changed(), in a second transaction. BM_WriteOrder is the same
// write alone, the baseline measured in the same run; the difference is the update's cost.
//
// The store: VAFA_BENCH_DB names one prepared by bench/run (1,000,000 generated customers,
// refreshed, with segments); without it a store of VAFA_BENCH_CUSTOMERS (default 20,000)
// generated customers is made in a temporary directory. The benchmark adds orders to that store.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "vafa/generate/sinks.hpp"
#include "vafa/segments/refresh.hpp"

#include "bench_store.hpp"

namespace {

using namespace vafa;

constexpr std::int64_t kAsOf = 1'767'225'600;  // 2026-01-01, after the generated period

using bench::must;

struct Fixture {
  bench::BenchStore bench{"update-bench"};
  Store* store = bench.store.get();
  std::int64_t customers = 0;
  std::int64_t run = 0;
  std::int64_t next_order = 0;
  std::mt19937_64 rng{7};
};

Fixture& fixture() {
  static const std::unique_ptr<Fixture> f = [] {
    auto x = std::make_unique<Fixture>();
    if (x->bench.generate_if_empty(7)) {
      for (const auto& [name, rule] :
           {std::pair{"loyal", R"(orders >= 3 and last_order_days <= 90 and consent.email)"},
            std::pair{"slipping", R"(stage in ("at_risk", "lapsed") and monetary_score >= 4)"},
            std::pair{"advocates", R"(advocacy = "lover" and score >= 50)"}}) {
        must(segments::create_segment(*x->store, name, rule, "", kAsOf), "segment");
      }
      must(segments::refresh_all(*x->store, {.as_of = kAsOf, .as_of_fixed = true, .now = kAsOf}),
           "refresh");
    }
    x->customers = must(x->store->stats(), "stats").customers;
    x->run = must(x->store->start_import("orders", "update-bench", Timestamp{}), "start");
    // Marks left from earlier runs are cleared first, so each iteration updates one customer.
    must(segments::update_changed(*x->store, kAsOf), "update");
    return x;
  }();
  return *f;
}

// One order of a random generated customer ("C0000001" ...), committed on its own.
void write_order(Fixture& f) {
  const std::int64_t who =
      1 + static_cast<std::int64_t>(f.rng() % static_cast<std::uint64_t>(f.customers));
  const Order order{.id = fmt::format("B{}-{}", ::getpid(), ++f.next_order),
                    .customer_id = fmt::format("C{:07}", who),
                    .channel = Channel::web,
                    .placed_at = Timestamp{std::chrono::seconds{kAsOf - 3'600}},
                    .currency = *Currency::parse("USD"),
                    .status = OrderStatus::placed,
                    .lines = {OrderLine{.product_sku = {}, .quantity = 1, .amount_minor = 4'500}}};
  must(f.store->begin(), "begin");
  must(f.store->put_order(order, f.run), "order");
  must(f.store->commit(), "commit");
}

void BM_WriteOrder(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) write_order(f);
  must(segments::update_changed(*f.store, kAsOf), "update");  // leave no marks behind
}

void BM_WriteOrderThenUpdate(benchmark::State& state) {
  Fixture& f = fixture();
  std::int64_t updated = 0;
  for (auto _ : state) {
    write_order(f);
    const segments::RefreshReport report =
        must(segments::update_changed(*f.store, kAsOf), "update");
    updated += report.customers;
  }
  state.counters["customers_per_update"] =
      static_cast<double>(updated) / static_cast<double>(state.iterations());
  state.counters["store_customers"] = static_cast<double>(f.customers);
}

BENCHMARK(BM_WriteOrder)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_WriteOrderThenUpdate)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
