// Customers simulated from the buy-till-you-die models, for checking the CLV engine (parameter
// recovery, predictions against Monte Carlo) and for its benchmarks. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <vector>

namespace vafa::generate {

enum class DropoutModel {
  bgnbd,   // may drop out right after each purchase
  mbgnbd,  // also right after the first (time zero)
  pareto,  // exponential(mu) lifetime, mu ~ gamma(s, beta); a, b read as s, beta
};

struct BtydParams {
  DropoutModel model = DropoutModel::bgnbd;
  double r = 0.25, alpha = 4.0;   // purchase rate ~ gamma(shape r, rate alpha)
  double a = 0.8, b = 2.5;        // dropout chance ~ beta(a, b); for pareto: s, beta
  double T_min = 26, T_max = 78;  // observation length ~ uniform [T_min, T_max]
  double holdout = 0;             // a further period whose purchases are counted apart
  std::uint64_t seed = 1;
};

struct BtydCustomers {
  std::vector<double> x, t_x, T, holdout_x;
};

// Purchase times are continuous; the first purchase is at time 0.
BtydCustomers simulate_btyd(const BtydParams& params, std::int64_t customers);

}  // namespace vafa::generate
