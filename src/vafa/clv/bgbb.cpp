#include "vafa/clv/bgbb.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/core.h>

#include "vafa/clv/rfm.hpp"
#include "vafa/clv/special.hpp"

namespace vafa::clv {
namespace {

// The parameter-only parts of every term.
struct Constants {
  double log_b_ab, log_b_gd;
  double da, db, dg, dd;  // d/d{alpha, beta, gamma, delta} of -log B(alpha, beta) - log B(g, d)
};

Constants constants(const BgbbParams& p) {
  const double psi_ab = digamma(p.alpha + p.beta), psi_gd = digamma(p.gamma + p.delta);
  return {log_beta(p.alpha, p.beta), log_beta(p.gamma, p.delta), psi_ab - digamma(p.alpha),
          psi_ab - digamma(p.beta),  psi_gd - digamma(p.gamma),  psi_gd - digamma(p.delta)};
}

// log[B(alpha+x, beta+b)/B(alpha, beta) * B(g, delta+d)/B(gamma, delta)] and its gradient.
double term(const BgbbParams& p, const Constants& c, double x, double b, double g, double d,
            std::array<double, 4>* grad) {
  const double value =
      log_beta(p.alpha + x, p.beta + b) + log_beta(g, p.delta + d) - c.log_b_ab - c.log_b_gd;
  if (grad != nullptr) {
    const double psi_abx = digamma(p.alpha + p.beta + x + b), psi_gd = digamma(g + p.delta + d);
    (*grad)[0] = digamma(p.alpha + x) - psi_abx + c.da;
    (*grad)[1] = digamma(p.beta + b) - psi_abx + c.db;
    (*grad)[2] = digamma(g) - psi_gd + c.dg;
    (*grad)[3] = digamma(p.delta + d) - psi_gd + c.dd;
  }
  return value;
}

// log L for one row: alive through opportunity n, or dropped out just after opportunity t_x + i
// (i = 0 .. n - t_x - 1), summed in logs; grad gets its gradient (softmax-weighted).
double row_log_likelihood(const BgbbParams& p, const Constants& c, double x, double t_x, double n,
                          std::array<double, 4>* grad) {
  const auto extra = static_cast<int>(n - t_x);
  std::vector<double> logs(static_cast<std::size_t>(extra) + 1);
  std::vector<std::array<double, 4>> grads(grad != nullptr ? logs.size() : 0);
  auto g = [&](std::size_t k) { return grad != nullptr ? &grads[k] : nullptr; };
  logs[0] = term(p, c, x, n - x, p.gamma, n, g(0));
  for (int i = 0; i < extra; ++i) {
    const auto k = static_cast<std::size_t>(i) + 1;
    logs[k] = term(p, c, x, t_x - x + i, p.gamma + 1, t_x + i, g(k));
  }
  const double top = *std::max_element(logs.begin(), logs.end());
  double sum = 0;
  for (double& l : logs) {
    l = std::exp(l - top);
    sum += l;
  }
  if (grad != nullptr) {
    grad->fill(0.0);
    for (std::size_t k = 0; k < logs.size(); ++k) {
      for (int j = 0; j < 4; ++j) (*grad)[j] += logs[k] / sum * grads[k][j];
    }
  }
  return top + std::log(sum);
}

}  // namespace

std::optional<std::string> check_discrete_row(double x, double t_x, double n, double weight) {
  if (!is_count(x)) return fmt::format("frequency must be a whole number >= 0 (got {})", x);
  if (!is_count(t_x)) return fmt::format("recency must be a whole number >= 0 (got {})", t_x);
  if (!is_count(n)) return fmt::format("periods must be a whole number >= 0 (got {})", n);
  if (!(weight > 0) || !std::isfinite(weight)) {
    return fmt::format("weight must be a positive number (got {})", weight);
  }
  if (t_x > n) return fmt::format("recency {} is after the last period {}", t_x, n);
  if (x > 0 && t_x == 0) return std::string("recency is 0 but frequency is above 0");
  if (x > t_x) {
    return fmt::format(
        "frequency {} is more than the recency {}: at most one transaction per "
        "period",
        x, t_x);
  }
  if (x == 0 && t_x != 0) return std::string("recency must be 0 when frequency is 0");
  return std::nullopt;
}

double bgbb_log_likelihood(const BgbbParams& p, const DiscreteRows& rows, std::span<double> grad) {
  const Constants c = constants(p);
  double total = 0;
  std::array<double, 4> g{}, sum{};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    total += rows.weight[i] * row_log_likelihood(p, c, rows.x[i], rows.t_x[i], rows.n[i],
                                                 grad.empty() ? nullptr : &g);
    if (!grad.empty()) {
      for (int j = 0; j < 4; ++j) sum[j] += rows.weight[i] * g[j];
    }
  }
  for (std::size_t j = 0; j < grad.size(); ++j) grad[j] = sum[j];
  return total;
}

Result<FitResult> bgbb_fit(const DiscreteRows& rows, const FitOptions& options) {
  if (rows.size() == 0) return fail(ErrorCode::invalid_argument, "no customers to fit");
  std::map<std::tuple<double, double, double>, double> merged;
  bool any_repeat = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (auto problem = check_discrete_row(rows.x[i], rows.t_x[i], rows.n[i], rows.weight[i])) {
      return fail(ErrorCode::invalid_argument, "row {}: {}", i + 1, *problem);
    }
    merged[{rows.x[i], rows.t_x[i], rows.n[i]}] += rows.weight[i];
    any_repeat = any_repeat || rows.x[i] > 0;
  }
  if (!any_repeat) {
    return fail(ErrorCode::invalid_argument,
                "every customer has frequency 0: with no repeat transactions the transaction and "
                "dropout probabilities cannot be estimated");
  }
  DiscreteRows data;
  double customers = 0;
  for (const auto& [key, weight] : merged) {
    data.push(std::get<0>(key), std::get<1>(key), std::get<2>(key), weight);
    customers += weight;
  }
  const std::vector<double> start =
      options.start.empty() ? std::vector<double>{1, 1, 1, 1} : options.start;
  auto ll = [&](std::span<const double> q, std::span<double> g) {
    return bgbb_log_likelihood(BgbbParams{q[0], q[1], q[2], q[3]}, data, g);
  };
  return maximize(ll, {"alpha", "beta", "gamma", "delta"}, start, customers, options);
}

double bgbb_p_alive(const BgbbParams& p, double x, double t_x, double n) {
  const Constants c = constants(p);
  const double ll = row_log_likelihood(p, c, x, t_x, n, nullptr);
  return std::exp(term(p, c, x, n - x, p.gamma, n + 1, nullptr) - ll);
}

double bgbb_discounted_expected(const BgbbParams& p, int future, double rate, double x, double t_x,
                                double n) {
  // Sum over k = 1 .. future of P(alive at n + k and transacts) (1 + rate)^-k, where
  // P(alive at n + k and transacts) =
  // B(alpha+x+1, beta+n-x)/B(alpha, beta) * B(gamma, delta+n+k)/B(gamma, delta) / L.
  const Constants c = constants(p);
  const double ll = row_log_likelihood(p, c, x, t_x, n, nullptr);
  double total = 0;
  for (int k = 1; k <= future; ++k) {
    total +=
        std::exp(term(p, c, x + 1, n - x, p.gamma, n + k, nullptr) - ll) * std::pow(1 + rate, -k);
  }
  return total;
}

double bgbb_conditional_expected(const BgbbParams& p, int future, double x, double t_x, double n) {
  return bgbb_discounted_expected(p, future, 0.0, x, t_x, n);
}

double bgbb_expected(const BgbbParams& p, int n) {
  // Each opportunity t = 1 .. n: alive (B(gamma, delta+t)/B(gamma, delta)) times E[p].
  const double lb = log_beta(p.gamma, p.delta);
  double total = 0;
  for (int t = 1; t <= n; ++t) total += std::exp(log_beta(p.gamma, p.delta + t) - lb);
  return p.alpha / (p.alpha + p.beta) * total;
}

double bgbb_probability_of_purchases(const BgbbParams& p, int n, int k) {
  if (k < 0 || k > n) return 0.0;
  // FHS 2010 eq. 7: alive throughout with k of n, or dropped out after opportunity i >= k.
  const Constants c = constants(p);
  auto log_choose = [](double a, double b) {
    return log_gamma(a + 1) - log_gamma(b + 1) - log_gamma(a - b + 1);
  };
  const double kk = k;
  double total = std::exp(log_choose(n, kk) + term(p, c, kk, n - kk, p.gamma, n, nullptr));
  for (int i = k; i < n; ++i) {
    total += std::exp(log_choose(i, kk) + term(p, c, kk, i - kk, p.gamma + 1, i, nullptr));
  }
  return total;
}

}  // namespace vafa::clv
