// CLV engine benchmarks (issue 7): fits and predictions on customers simulated from BG/NBD with
// r = 0.25, alpha = 4, a = 0.8, b = 2.5 and T uniform in [26, 78] weeks (continuous times, so the
// rows barely compress). `vafa_clv_bench --write-csv N FILE` writes such a frequency,recency,T
// CSV for the whole-command measurement in bench/run.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>

#include <fmt/core.h>

#include <benchmark/benchmark.h>

#include "vafa/clv/bg_family.hpp"
#include "vafa/clv/gamma_gamma.hpp"
#include "vafa/clv/model.hpp"
#include "vafa/clv/pareto_nbd.hpp"
#include "vafa/generate/btyd.hpp"

namespace {

using vafa::clv::BgVariant;

vafa::clv::RfmRows simulated(std::int64_t n) {
  vafa::generate::BtydParams params;  // the parameters are the defaults
  params.seed = 2026;
  const auto c = vafa::generate::simulate_btyd(params, n);
  vafa::clv::RfmRows rows;
  for (std::size_t i = 0; i < c.x.size(); ++i) rows.push(c.x[i], c.t_x[i], c.T[i]);
  return rows;
}

const vafa::clv::RfmRows& data(std::int64_t n) {
  static std::map<std::int64_t, vafa::clv::RfmRows> cache;
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, simulated(n)).first;
  return it->second;
}

using Fit = vafa::Result<vafa::clv::FitResult> (*)(const vafa::clv::RfmRows&);

// Every core, as `vafa clv fit` uses by default: the engines take their thread count.
int cores() { return static_cast<int>(std::thread::hardware_concurrency()); }
vafa::clv::FitOptions on_every_core() { return vafa::clv::FitOptions{.threads = cores()}; }

void BM_Fit(benchmark::State& state, Fit fit_rows) {
  const auto& rows = data(state.range(0));
  for (auto _ : state) {
    auto fit = fit_rows(rows);
    if (!fit || !fit->converged) state.SkipWithError("fit failed");
    state.counters["evaluations"] = fit ? fit->iterations : 0;
    state.counters["log_likelihood"] = fit ? fit->log_likelihood : 0;
  }
}
vafa::Result<vafa::clv::FitResult> fit_bgnbd(const vafa::clv::RfmRows& rows) {
  return vafa::clv::bg_fit(BgVariant::bgnbd, rows, on_every_core());
}
vafa::Result<vafa::clv::FitResult> fit_mbgnbd(const vafa::clv::RfmRows& rows) {
  return vafa::clv::bg_fit(BgVariant::mbgnbd, rows, on_every_core());
}
vafa::Result<vafa::clv::FitResult> fit_pareto(const vafa::clv::RfmRows& rows) {
  return vafa::clv::pnbd_fit(rows, on_every_core());
}
BENCHMARK_CAPTURE(BM_Fit, bgnbd, fit_bgnbd)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Fit, mbgnbd, fit_mbgnbd)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Fit, pareto_nbd, fit_pareto)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// One log-likelihood and gradient pass: the optimiser's unit of work.
void BM_LogLikelihood(benchmark::State& state) {
  const auto& rows = data(state.range(0));
  std::vector<double> grad(4);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        vafa::clv::bg_log_likelihood(BgVariant::bgnbd, {0.25, 4, 0.8, 2.5}, rows, grad, cores()));
  }
}
BENCHMARK(BM_LogLikelihood)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_LogLikelihoodPareto(benchmark::State& state) {
  const auto& rows = data(state.range(0));
  std::vector<double> grad(4);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        vafa::clv::pnbd_log_likelihood({0.55, 10.5, 0.6, 11.7}, rows, grad, cores()));
  }
}
BENCHMARK(BM_LogLikelihoodPareto)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Probability alive and expected purchases in the next 52 weeks for every customer: one row at a
// time (the baseline, as lifetimes does it per customer) and the batch call `vafa clv predict`
// uses.
void BM_PredictPerRow(benchmark::State& state) {
  const auto& rows = data(state.range(0));
  const vafa::clv::BgParams p{0.25, 4, 0.8, 2.5};
  std::vector<double> alive(rows.size()), expected(rows.size());
  for (auto _ : state) {
#pragma omp parallel for schedule(static) num_threads(cores())
    for (std::size_t i = 0; i < rows.size(); ++i) {
      alive[i] = vafa::clv::bg_p_alive(BgVariant::bgnbd, p, rows.x[i], rows.t_x[i], rows.T[i]);
      expected[i] =
          alive[i] * vafa::clv::bg_expected_if_alive(BgVariant::bgnbd, p, 52, rows.x[i], rows.T[i]);
    }
    benchmark::DoNotOptimize(expected.data());
  }
}
BENCHMARK(BM_PredictPerRow)->Arg(1000000)->Unit(benchmark::kMillisecond);

// CLV = expected purchases x the Gamma-Gamma expected order value (each customer's mean order
// value simulated as 20 + x); with a discount rate, over the horizon's 24 steps.
void BM_Predict(benchmark::State& state) {
  const auto& rows = data(state.range(0));
  const vafa::clv::FittedModel model{vafa::clv::PurchaseModel::bgnbd, {0.25, 4, 0.8, 2.5}};
  const vafa::clv::GammaGammaParams spend{6.25, 3.74, 15.44};
  const bool discounted = state.range(1) != 0;
  std::vector<double> alive(rows.size()), expected(rows.size()), clv(rows.size()), d(rows.size());
  for (auto _ : state) {
    model.predict(52, 0.002, rows, alive, expected, discounted ? std::span(d) : std::span<double>(),
                  static_cast<int>(std::thread::hardware_concurrency()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      expected[i] *= alive[i];
      const double x = rows.x[i];
      const double value = x > 0 ? *vafa::clv::gg_expected_value(spend, x, 20 + x) : 35.0;
      clv[i] = value * (discounted ? alive[i] * d[i] : expected[i]);
    }
    benchmark::DoNotOptimize(clv.data());
  }
}
BENCHMARK(BM_Predict)->Args({1000000, 0})->Args({1000000, 1})->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--write-csv") == 0) {
    const auto rows = simulated(std::atoll(argv[2]));
    std::FILE* out = std::fopen(argv[3], "w");
    if (out == nullptr) return 1;
    std::fputs("frequency,recency,T\n", out);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      fmt::print(out, "{},{:.6f},{:.6f}\n", rows.x[i], rows.t_x[i], rows.T[i]);
    }
    return std::fclose(out) == 0 ? 0 : 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
