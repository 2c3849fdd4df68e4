// Maximum-likelihood fitting shared by every model: quasi-Newton (NLopt's L-BFGS) on the logs of
// the parameters (so they stay positive), with the models' analytic gradients; standard errors from
// the Hessian of the log-likelihood at the optimum.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "vafa/core/error.hpp"

namespace vafa::clv {

// Returns the log-likelihood at params and, when grad is not empty, writes its gradient with
// respect to params (same length). Must be finite for every positive params.
using LogLikelihood = std::function<double(std::span<const double> params, std::span<double> grad)>;

struct FitOptions {
  int max_evaluations = 2000;
  double relative_tolerance = 1e-12;  // on the log-likelihood, between iterations
  std::vector<double> start;          // empty: the model's default
  int threads = 1;                    // for the likelihood's sums over customers
};

struct FitResult {
  std::vector<std::string_view> names;
  std::vector<double> params;
  // Empty optional where the Hessian gives none (not negative definite there).
  std::vector<std::optional<double>> std_errors;
  double log_likelihood = 0;
  double aic = 0;
  double bic = 0;
  double customers = 0;  // observations behind the fit (sum of weights)
  int iterations = 0;    // likelihood evaluations
  bool converged = false;
};

// Maximises ll from start (all > 0). `observations` scales the objective (for conditioning) and
// enters the BIC.
Result<FitResult> maximize(const LogLikelihood& ll, std::vector<std::string_view> names,
                           std::span<const double> start, double observations,
                           const FitOptions& options);

// Forward differences of the analytic gradient, symmetrised. Row-major, n x n. `gradient`, when
// given, is the gradient at params already at hand (saves a pass).
std::vector<double> hessian(const LogLikelihood& ll, std::span<const double> params,
                            std::span<const double> gradient = {});

// Standard errors from the inverse of -H; nullopt entries where -H is not positive definite.
std::vector<std::optional<double>> standard_errors(std::span<const double> hessian, std::size_t n);

}  // namespace vafa::clv
