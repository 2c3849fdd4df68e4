// Helpers shared by the CLV model tests: the CDNOW files, gradient and recovery checks.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vafa/clv/fit.hpp"
#include "vafa/clv/rfm.hpp"
#include "vafa/generate/btyd.hpp"

namespace vafa::clv {

// The CDNOW summaries are plain comma-separated numbers under a header.
inline std::vector<std::vector<double>> read_numbers(const std::string& name) {
  std::ifstream in(std::string(VAFA_SOURCE_DIR) + "/data/cdnow/" + name);
  std::vector<std::vector<double>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    std::vector<double> row;
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(row);
  }
  return rows;
}

inline RfmRows cdnow_rfm() {
  RfmRows rows;
  for (const auto& r : read_numbers("cdnow_customers_summary.csv")) rows.push(r[1], r[2], r[3]);
  return rows;
}

// Finite differences of the log-likelihood against the analytic gradient.
template <typename LL>
void expect_gradient_matches(const LL& ll, std::vector<double> at, const char* what) {
  std::vector<double> grad(at.size());
  ll(at, grad);
  for (std::size_t i = 0; i < at.size(); ++i) {
    const double h = 1e-6 * std::max(1.0, std::abs(at[i]));
    std::vector<double> up = at, down = at, ignored(at.size());
    up[i] += h;
    down[i] -= h;
    const double numeric = (ll(up, ignored) - ll(down, ignored)) / (2 * h);
    EXPECT_NEAR(grad[i], numeric, 1e-5 * std::max(1.0, std::abs(numeric)))
        << what << " param " << i;
  }
}

inline RfmRows rows_of(const generate::BtydCustomers& c) {
  RfmRows rows;
  for (std::size_t i = 0; i < c.x.size(); ++i) rows.push(c.x[i], c.t_x[i], c.T[i]);
  return rows;
}

inline void expect_recovered(const FitResult& fit, const std::vector<double>& truth) {
  for (std::size_t i = 0; i < truth.size(); ++i) {
    ASSERT_TRUE(fit.std_errors[i].has_value());
    EXPECT_LT(std::abs(fit.params[i] - truth[i]), 2 * *fit.std_errors[i])
        << fit.names[i] << " = " << fit.params[i] << " +- " << *fit.std_errors[i] << ", truth "
        << truth[i];
  }
}

// Positive parameters drawn log-uniformly from [0.05, 20], for gradient checks.
inline std::vector<double> random_params(std::mt19937_64& engine, int n) {
  std::uniform_real_distribution<double> log_uniform(std::log(0.05), std::log(20.0));
  std::vector<double> v(static_cast<std::size_t>(n));
  for (double& x : v) x = std::exp(log_uniform(engine));
  return v;
}

// A model's predictions against 200,000 customers simulated from the same parameters (`sim`,
// with its holdout): the holdout purchases expected from each calibration history, and a new
// customer's E[X(holdout)] and P(X(holdout) = k), k < 6, against a fresh simulation with T = 0
// (seeded by fresh_seed), each within four standard errors.
// conditional(t, x, t_x, T), expected(t), probability(t, k).
template <typename Conditional, typename Expected, typename Probability>
void expect_predictions_match_simulation(generate::BtydParams sim, std::uint64_t fresh_seed,
                                         const Conditional& conditional, const Expected& expected,
                                         const Probability& probability) {
  const double t = sim.holdout;
  const auto c = generate::simulate_btyd(sim, 200000);
  double predicted = 0, actual = 0, square = 0;
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    predicted += conditional(t, c.x[i], c.t_x[i], c.T[i]);
    actual += c.holdout_x[i];
    square += c.holdout_x[i] * c.holdout_x[i];
  }
  const double n = static_cast<double>(c.x.size());
  const double sd = std::sqrt(square / n - (actual / n) * (actual / n));
  EXPECT_NEAR(predicted / n, actual / n, 4 * sd / std::sqrt(n));
  // A new customer's purchases in (0, t]: the simulation with T = 0 counts them as holdout.
  sim.T_min = sim.T_max = 0;
  sim.seed = fresh_seed;
  const auto fresh = generate::simulate_btyd(sim, 200000);
  std::vector<double> counts(6, 0.0);
  double mean = 0, mean_square = 0;
  for (double h : fresh.holdout_x) {
    mean += h;
    mean_square += h * h;
    if (h < 6) counts[static_cast<std::size_t>(h)] += 1;
  }
  mean /= n;
  EXPECT_NEAR(expected(t), mean, 4 * std::sqrt((mean_square / n - mean * mean) / n));
  for (int k = 0; k < 6; ++k) {
    const double share = counts[static_cast<std::size_t>(k)] / n;
    EXPECT_NEAR(probability(t, k), share, 4 * std::sqrt(share * (1 - share) / n) + 1e-4)
        << "P(X(" << t << ") = " << k << ")";
  }
}

}  // namespace vafa::clv
