// BG/BB (Fader, Hardie & Shang 2010, "Customer-base analysis in a discrete-time noncontractual
// setting"): at each of n discrete opportunities an alive customer transacts with a beta(alpha,
// beta) distributed probability p, and before each opportunity after the first may drop out with a
// beta(gamma, delta) distributed probability theta. Parameters {alpha, beta, gamma, delta}.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vafa/clv/fit.hpp"

namespace vafa::clv {

// One row per customer (or per distinct history, with its weight): x transactions in the n
// opportunities after the first, the last in opportunity t_x (0 when x = 0).
struct DiscreteRows {
  std::vector<double> x, t_x, n, weight;
  void push(double x_, double t_x_, double n_, double weight_ = 1) {
    x.push_back(x_);
    t_x.push_back(t_x_);
    n.push_back(n_);
    weight.push_back(weight_);
  }
  std::size_t size() const { return x.size(); }
};

// Why a row cannot be used (whole numbers with 0 <= x <= t_x <= n, x = 0 exactly when t_x = 0,
// weight > 0), or nullopt.
std::optional<std::string> check_discrete_row(double x, double t_x, double n, double weight);

struct BgbbParams {
  double alpha, beta, gamma, delta;
};

double bgbb_log_likelihood(const BgbbParams& p, const DiscreteRows& rows,
                           std::span<double> grad = {});
// Validates (errors name the row), merges identical rows, fits. All x = 0 is an error.
Result<FitResult> bgbb_fit(const DiscreteRows& rows, const FitOptions& options = {});

// P(alive at opportunity n + 1 | x, t_x, n).
double bgbb_p_alive(const BgbbParams& p, double x, double t_x, double n);
// E[transactions in opportunities n+1 .. n+future | x, t_x, n].
double bgbb_conditional_expected(const BgbbParams& p, int future, double x, double t_x, double n);
// The same, the transactions of opportunity n + k discounted by (1 + rate)^-k.
double bgbb_discounted_expected(const BgbbParams& p, int future, double rate, double x, double t_x,
                                double n);
// E[transactions in the first n opportunities] of a new customer.
double bgbb_expected(const BgbbParams& p, int n);
// P(X(n) = k) for a new customer.
double bgbb_probability_of_purchases(const BgbbParams& p, int n, int k);

}  // namespace vafa::clv
