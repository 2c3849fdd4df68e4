#include "vafa/clv/fit.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include <nlopt.hpp>

namespace vafa::clv {
namespace {

struct Problem {
  const LogLikelihood* ll;
  double scale;
  std::vector<double> params, grad;
  int evaluations = 0;
  bool non_finite = false;
};

// NLopt minimises f(theta) = -ll(exp(theta)) / scale.
double objective(const std::vector<double>& theta, std::vector<double>& grad, void* data) {
  auto& p = *static_cast<Problem*>(data);
  ++p.evaluations;
  for (std::size_t i = 0; i < theta.size(); ++i) p.params[i] = std::exp(theta[i]);
  const double value = (*p.ll)(p.params, grad.empty() ? std::span<double>() : std::span(p.grad));
  if (!std::isfinite(value)) {
    p.non_finite = true;
    if (!grad.empty()) std::fill(grad.begin(), grad.end(), 0.0);
    return std::numeric_limits<double>::max();
  }
  for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = -p.grad[i] * p.params[i] / p.scale;
  return -value / p.scale;
}

// In-place Cholesky factor L (lower triangle) of a; false when a is not positive definite.
bool cholesky(std::vector<double>& a, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    a[j * n + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / a[j * n + j];
    }
  }
  return true;
}

}  // namespace

std::vector<double> hessian(const LogLikelihood& ll, std::span<const double> params,
                            std::span<const double> gradient) {
  // Forward differences of the gradient from the point itself: n passes instead of central
  // differences' 2n, with a relative error near 1e-6, ample for standard errors.
  const std::size_t n = params.size();
  std::vector<double> h(n * n), base(n), plus(n), at(params.begin(), params.end());
  if (gradient.size() == n) {
    std::copy(gradient.begin(), gradient.end(), base.begin());
  } else {
    ll(at, base);
  }
  for (std::size_t j = 0; j < n; ++j) {
    const double step = 1e-6 * std::max(std::abs(params[j]), 1e-3);
    at[j] = params[j] + step;
    ll(at, plus);
    at[j] = params[j];
    for (std::size_t i = 0; i < n; ++i) h[i * n + j] = (plus[i] - base[i]) / step;
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double mean = 0.5 * (h[i * n + j] + h[j * n + i]);
      h[i * n + j] = h[j * n + i] = mean;
    }
  }
  return h;
}

std::vector<std::optional<double>> standard_errors(std::span<const double> h, std::size_t n) {
  std::vector<std::optional<double>> se(n);
  std::vector<double> l(n * n);
  for (std::size_t i = 0; i < n * n; ++i) l[i] = -h[i];
  if (!cholesky(l, n)) return se;
  // The diagonal of (-H)^-1 = (L L^T)^-1: for each i solve L y = e_i, then L^T z = y; z_i is it.
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> y(n, 0.0), z(n, 0.0);
    for (std::size_t r = 0; r < n; ++r) {  // forward: L y = e_i
      double s = r == i ? 1.0 : 0.0;
      for (std::size_t k = 0; k < r; ++k) s -= l[r * n + k] * y[k];
      y[r] = s / l[r * n + r];
    }
    for (std::size_t r = n; r-- > 0;) {  // backward: L^T z = y
      double s = y[r];
      for (std::size_t k = r + 1; k < n; ++k) s -= l[k * n + r] * z[k];
      z[r] = s / l[r * n + r];
    }
    if (z[i] > 0 && std::isfinite(z[i])) se[i] = std::sqrt(z[i]);
  }
  return se;
}

Result<FitResult> maximize(const LogLikelihood& ll, std::vector<std::string_view> names,
                           std::span<const double> start, double observations,
                           const FitOptions& options) {
  const std::size_t n = start.size();
  if (n == 0 || names.size() != n) return fail(ErrorCode::internal, "bad parameter list");
  for (double s : start) {
    if (!(s > 0) || !std::isfinite(s)) {
      return fail(ErrorCode::invalid_argument, "starting values must be positive and finite");
    }
  }
  Problem problem{&ll, std::max(observations, 1.0), std::vector<double>(n), std::vector<double>(n)};
  std::vector<double> theta(n);
  for (std::size_t i = 0; i < n; ++i) theta[i] = std::log(start[i]);

  nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(n));
  opt.set_min_objective(objective, &problem);
  opt.set_ftol_rel(options.relative_tolerance);
  opt.set_xtol_rel(1e-10);
  opt.set_maxeval(options.max_evaluations);
  // log(params) in [-30, 30]: 1e-13 .. 1e13 covers every unit a user may choose.
  opt.set_lower_bounds(std::vector<double>(n, -30.0));
  opt.set_upper_bounds(std::vector<double>(n, 30.0));
  double minimum = 0;
  nlopt::result status = nlopt::FAILURE;
  try {
    status = opt.optimize(theta, minimum);
  } catch (const nlopt::roundoff_limited&) {
    status = nlopt::FTOL_REACHED;  // the optimum is as good as doubles allow
  } catch (const std::exception&) {
    // NLopt throws on a failed line search; go on with the best point it kept.
    status = nlopt::FAILURE;
  }
  FitResult fit;
  fit.names = std::move(names);
  fit.params.resize(n);
  for (std::size_t i = 0; i < n; ++i) fit.params[i] = std::exp(theta[i]);
  std::vector<double> grad(n);
  fit.log_likelihood = ll(fit.params, grad);
  if (!std::isfinite(fit.log_likelihood)) {
    return fail(ErrorCode::internal, "the log-likelihood is not finite at the fitted parameters");
  }
  fit.iterations = problem.evaluations;
  // Converged: NLopt stopped on a tolerance (not the evaluation cap) and the gradient in log
  // space is small per observation.
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    worst = std::max(worst, std::abs(grad[i] * fit.params[i]) / problem.scale);
  }
  const bool tolerance_stop = status == nlopt::SUCCESS || status == nlopt::FTOL_REACHED ||
                              status == nlopt::XTOL_REACHED || status == nlopt::STOPVAL_REACHED;
  bool at_bound = false;
  for (double t : theta) at_bound = at_bound || std::abs(t) >= 29.999;
  fit.converged = tolerance_stop && worst < 1e-4 && !at_bound;
  fit.customers = observations;
  const auto k = static_cast<double>(n);
  fit.aic = 2 * k - 2 * fit.log_likelihood;
  fit.bic = k * std::log(std::max(observations, 1.0)) - 2 * fit.log_likelihood;
  fit.std_errors = standard_errors(hessian(ll, fit.params, grad), n);
  return fit;
}

}  // namespace vafa::clv
