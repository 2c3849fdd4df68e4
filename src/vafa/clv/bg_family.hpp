// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way") and MBG/NBD
// (Batislam, Denizel & Filiztekin 2007): Poisson purchasing at a gamma(r, alpha) distributed rate,
// and after each purchase (MBG/NBD: also at time zero) the customer drops out with a
// beta(a, b) distributed probability. Parameters {r, alpha, a, b}; times in the data's unit.
#pragma once

#include <span>

#include "vafa/clv/fit.hpp"
#include "vafa/clv/rfm.hpp"

namespace vafa::clv {

enum class BgVariant { bgnbd, mbgnbd };

struct BgParams {
  double r, alpha, a, b;
};

// Sum over rows of weight * log L(x, t_x, T); grad (size 4, may be empty) gets d/d{r, alpha, a, b}.
double bg_log_likelihood(BgVariant variant, const BgParams& p, const RfmRows& rows,
                         std::span<double> grad = {}, int threads = 1);

// Fits by maximum likelihood. Rows are validated; every frequency being 0 is an error.
Result<FitResult> bg_fit(BgVariant variant, const RfmRows& rows, const FitOptions& options = {});

// P(alive at T | x, t_x, T).
double bg_p_alive(BgVariant variant, const BgParams& p, double x, double t_x, double T);
// E[purchases in (T, T + t] | x, T, alive at T]: the conditional expectation without the
// factor P(alive), which callers that need both compute once.
double bg_expected_if_alive(BgVariant variant, const BgParams& p, double t, double x, double T);
// E[purchases in (T, T + t] | x, t_x, T] = bg_expected_if_alive * bg_p_alive.
double bg_conditional_expected(BgVariant variant, const BgParams& p, double t, double x, double t_x,
                               double T);
// E[purchases in (T, T + horizon] | x, t_x, T], each discounted at `rate` per unit of time: the
// horizon is cut into at most 24 equal steps, each step's purchases discounted from its midpoint.
// rate = 0 gives bg_conditional_expected.
double bg_discounted_expected(BgVariant variant, const BgParams& p, double horizon, double rate,
                              double x, double t_x, double T);
// bg_p_alive and bg_expected_if_alive over the horizon for every row (weights are ignored) at
// once, vectorised and on `threads` threads, one element per row; when discounted_if_alive is
// not empty also bg_discounted_expected / bg_p_alive (each purchase discounted at `rate`) in the
// same pass.
void bg_predict(BgVariant variant, const BgParams& p, double horizon, double rate,
                const RfmRows& rows, std::span<double> alive, std::span<double> expected_if_alive,
                std::span<double> discounted_if_alive = {}, int threads = 1);
// E[X(t)]: purchases in (0, t] of a customer who has just made a first purchase.
double bg_expected(BgVariant variant, const BgParams& p, double t);
// P(X(t) = k) for a new customer.
double bg_probability_of_purchases(BgVariant variant, const BgParams& p, double t, int k);

}  // namespace vafa::clv
