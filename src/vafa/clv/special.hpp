// Special functions the models share, in forms that stay finite where the textbook ones overflow.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace vafa::clv {

// log(1 + e^d) and 1 / (1 + e^-d), from one exp, without overflow for any finite d.
struct Softplus {
  double value;    // log(1 + e^d)
  double sigmoid;  // e^d / (1 + e^d)
};
inline Softplus softplus(double d) {
  const double e = std::exp(-std::abs(d));
  const double l = std::log1p(e);
  return d >= 0 ? Softplus{d + l, 1.0 / (1.0 + e)} : Softplus{l, e / (1.0 + e)};
}

// (1 - e^(-a l)) / a, with its limit l (and the next term) near a = 0.
inline double one_minus_exp_over(double a, double l) {
  return std::abs(a * l) < 1e-10 ? l * (1 - 0.5 * a * l) : -std::expm1(-a * l) / a;
}

double log_gamma(double v);  // thread-safe lgamma
double digamma(double v);
double log_beta(double a, double b);

// sum_{n>=1} (A)_n (B+1)_{n-1} / ((C)_n n!) z^n, i.e. (2F1(A, B; C; z) - 1) / B, for 0 <= z < 1.
// Written without the factor B so that B -> 0 loses nothing. Converges for every C > 0.
double hyp2f1_minus_one_over_b(double A, double B, double C, double z);

// The same series as coefficients of z^1, z^2, ... (into coef, replacing what was there), as many
// as hyp2f1_minus_one_over_b would use at z_max; evaluated by Horner's rule they give the series
// for any 0 <= z <= z_max with no division per term, for many z at once.
void hyp2f1_coefficients(double A, double B, double C, double z_max, std::vector<double>& coef);

// The distinct values of a column of whole numbers, and each row's index into them; the models
// compute their per-frequency terms once per distinct value.
struct DistinctValues {
  std::vector<double> values;
  std::vector<double> weight;        // sum of row weights per value
  std::vector<std::uint32_t> index;  // per row
};
DistinctValues distinct_values(std::span<const double> column, std::span<const double> weight);

// Purchases in (0, horizon], each discounted at `rate` per unit of time, from a model's cumulative
// expectation E(t): the horizon is cut into at most 24 equal steps, each step's purchases
// discounted from its midpoint. rate = 0 gives E(horizon). discount_steps lists the step ends
// and their discount factors, so batch callers compute E(t) for many customers per step.
struct DiscountStep {
  double upto, factor;
};
std::vector<DiscountStep> discount_steps(double horizon, double rate);

template <typename Cumulative>
double discount_in_steps(double horizon, double rate, const Cumulative& cumulative) {
  if (rate == 0) return cumulative(horizon);
  double total = 0, before = 0;
  for (const DiscountStep& step : discount_steps(horizon, rate)) {
    const double upto = cumulative(step.upto);
    total += (upto - before) * step.factor;
    before = upto;
  }
  return total;
}

}  // namespace vafa::clv
