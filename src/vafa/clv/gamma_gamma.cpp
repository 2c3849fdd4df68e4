#include "vafa/clv/gamma_gamma.hpp"

#include <array>
#include <cmath>

#include "vafa/clv/parallel.hpp"
#include "vafa/clv/special.hpp"

namespace vafa::clv {
namespace {

// xs: the distinct frequencies of rows, found once per fit rather than once per pass.
double log_likelihood(const GammaGammaParams& g, const SpendRows& rows, const DistinctValues& xs,
                      std::span<double> grad, int threads) {
  // log f(zbar | x) = lnG(px+q) - lnG(px) - lnG(q) + q ln(gamma) + (px-1) ln(zbar) + px ln(x)
  //                   - (px+q) ln(gamma + x zbar)
  struct PerX {
    double k, kp, kq;
  };
  std::vector<PerX> table(xs.values.size());
  for (std::size_t k = 0; k < table.size(); ++k) {
    const double x = xs.values[k], px = g.p * x;
    table[k].k = log_gamma(px + g.q) - log_gamma(px) - log_gamma(g.q) + g.q * std::log(g.gamma) +
                 px * std::log(x);
    table[k].kp = x * (digamma(px + g.q) - digamma(px) + std::log(x));
    table[k].kq = digamma(px + g.q) - digamma(g.q) + std::log(g.gamma);
  }
  const auto sums = internal::block_sums<4>(
      threads, rows.size(), [&](std::size_t b, std::size_t e, std::array<double, 4>& s) {
        for (std::size_t i = b; i < e; ++i) {
          const PerX& t = table[xs.index[i]];
          const double x = rows.x[i], z = rows.zbar[i], w = rows.weight[i];
          const double px = g.p * x, denom = g.gamma + x * z;
          const double lz = std::log(z), ld = std::log(denom);
          s[0] += w * (t.k + (px - 1) * lz - (px + g.q) * ld);
          s[1] += w * (t.kp + x * (lz - ld));
          s[2] += w * (t.kq - ld);
          s[3] += w * (g.q / g.gamma - (px + g.q) / denom);
        }
      });
  if (!grad.empty()) {
    grad[0] = sums[1];
    grad[1] = sums[2];
    grad[2] = sums[3];
  }
  return sums[0];
}

}  // namespace

double gg_log_likelihood(const GammaGammaParams& g, const SpendRows& rows, std::span<double> grad,
                         int threads) {
  return log_likelihood(g, rows, distinct_values(rows.x, rows.weight), grad, threads);
}

Result<FitResult> gg_fit(const SpendRows& rows, const FitOptions& options) {
  VAFA_CHECK(validate(rows));
  std::vector<double> start = options.start;
  if (start.empty()) {
    // p = q = 2 and gamma so that the population mean p gamma / (q - 1) is the data's mean.
    double mean = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) mean += rows.weight[i] * rows.zbar[i];
    mean /= rows.customers();
    start = {2.0, 2.0, mean / 2.0};
  }
  const DistinctValues xs = distinct_values(rows.x, rows.weight);
  auto ll = [&](std::span<const double> q, std::span<double> grad) {
    return log_likelihood(GammaGammaParams{q[0], q[1], q[2]}, rows, xs, grad, options.threads);
  };
  return maximize(ll, {"p", "q", "gamma"}, start, rows.customers(), options);
}

Result<double> gg_expected_value(const GammaGammaParams& g, double x, double zbar) {
  if (!(g.q > 1)) {
    return fail(ErrorCode::invalid_argument,
                "the spend model's q = {} is not above 1: its mean order value is infinite", g.q);
  }
  const double px = g.p * x;
  const double population = g.p * g.gamma / (g.q - 1);
  const double weight = (g.q - 1) / (px + g.q - 1);
  return weight * population + (1 - weight) * (x > 0 ? zbar : 0.0);
}

}  // namespace vafa::clv
