// Pareto/NBD (Schmittlein, Morrison & Colombo 1987): while alive a customer buys as a Poisson
// process at a gamma(r, alpha) distributed rate, and lives an exponential lifetime at a
// gamma(s, beta) distributed rate. Parameters {r, alpha, s, beta}; times in the data's unit.
//
// The likelihood is written (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model")
//   L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [F(T) + s * integral_{t_x}^{T} f(y) dy],
//   F(t) = (alpha+t)^-(r+x) (beta+t)^-s,   f(y) = (alpha+y)^-(r+x) (beta+y)^-(s+1),
// and the integral's tails as Euler-transformed Gauss hypergeometric series whose terms are all
// positive and fall at least as fast as z^k with z = |alpha - beta| / (max(alpha, beta) + t) < 1,
// evaluated relative to F(t_x) in logs: nothing overflows for large x or T.
#pragma once

#include <span>

#include "vafa/clv/fit.hpp"
#include "vafa/clv/rfm.hpp"

namespace vafa::clv {

struct ParetoParams {
  double r, alpha, s, beta;
};

// Sum over rows of weight * log L(x, t_x, T); grad (size 4, may be empty) gets d/d{r, alpha, s,
// beta}.
double pnbd_log_likelihood(const ParetoParams& p, const RfmRows& rows, std::span<double> grad = {},
                           int threads = 1);

// Fits by maximum likelihood. Rows are validated; every frequency being 0 is an error.
Result<FitResult> pnbd_fit(const RfmRows& rows, const FitOptions& options = {});

// P(alive at T | x, t_x, T).
double pnbd_p_alive(const ParetoParams& p, double x, double t_x, double T);
// E[purchases in (T, T + t] | x, T, alive at T]: the conditional expectation without the
// factor P(alive).
double pnbd_expected_if_alive(const ParetoParams& p, double t, double x, double T);
// E[purchases in (T, T + t] | x, t_x, T] = pnbd_expected_if_alive * pnbd_p_alive.
double pnbd_conditional_expected(const ParetoParams& p, double t, double x, double t_x, double T);
// As pnbd_conditional_expected, discounted at `rate` per unit of time in the steps of
// discount_in_steps (special.hpp).
double pnbd_discounted_expected(const ParetoParams& p, double horizon, double rate, double x,
                                double t_x, double T);
// E[X(t)]: purchases in (0, t] of a customer who has just made a first purchase.
double pnbd_expected(const ParetoParams& p, double t);
// P(X(t) = k) for a new customer.
double pnbd_probability_of_purchases(const ParetoParams& p, double t, int k);
// Discounted expected residual transactions (Fader, Hardie & Lee 2005, "RFM and CLV"): all
// future purchases, each discounted continuously at `delta` > 0 per unit of time:
//   P(alive) (r+x)/(alpha+T) * integral_0^inf e^(-delta u) ((beta+T)/(beta+T+u))^s du.
// An error for delta <= 0 (the sum has no finite value then unless s > 1).
Result<double> pnbd_dert(const ParetoParams& p, double delta, double x, double t_x, double T);

}  // namespace vafa::clv
