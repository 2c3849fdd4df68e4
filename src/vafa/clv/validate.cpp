#include "vafa/clv/validate.hpp"

#include <algorithm>
#include <cmath>

#include "vafa/clv/parallel.hpp"

namespace vafa::clv {
namespace {

std::size_t group_of(double x, int groups) {
  return static_cast<std::size_t>(std::min(x, static_cast<double>(groups - 1)));
}

}  // namespace

Result<Validation> validate_models(const ValidationInput& in, const ValidationOptions& options) {
  const std::size_t n = in.calibration.size();
  if (n == 0) return fail(ErrorCode::invalid_argument, "no customers in the calibration period");
  if (in.holdout.size() != n) {
    return fail(ErrorCode::internal, "{} holdout counts for {} customers", in.holdout.size(), n);
  }
  if (!(in.holdout_length > 0)) {
    return fail(ErrorCode::invalid_argument, "the holdout period is empty");
  }
  if (options.models.empty() || options.frequency_groups < 1 || options.max_points < 1) {
    return fail(ErrorCode::invalid_argument, "nothing to validate");
  }
  Validation out;
  // Tracking points: every `step` whole units, and the holdout's end.
  const double units = std::ceil(in.holdout_length);
  const double step = std::ceil(units / options.max_points);
  for (double t = step; t < in.holdout_length; t += step) out.points.push_back(t);
  out.points.push_back(in.holdout_length);
  double running = 0;
  std::size_t unit = 0;
  for (double point : out.points) {
    while (unit < in.holdout_by_unit.size() && static_cast<double>(unit) + 1 <= std::ceil(point)) {
      running += in.holdout_by_unit[unit++];
    }
    out.actual_cumulative.push_back(running);
  }
  const auto groups = static_cast<std::size_t>(options.frequency_groups);
  out.group_customers.assign(groups, 0.0);
  out.actual_by_frequency.assign(groups, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t g = group_of(in.calibration.x[i], options.frequency_groups);
    out.group_customers[g] += 1;
    out.actual_by_frequency[g] += in.holdout[i];
    out.actual_total += in.holdout[i];
  }
  for (std::size_t g = 0; g < groups; ++g) {
    if (out.group_customers[g] > 0) out.actual_by_frequency[g] /= out.group_customers[g];
  }

  const std::size_t points = out.points.size();
  for (PurchaseModel model : options.models) {
    ModelValidation v{.model = model};
    auto fit = fit_purchase_model(model, in.calibration, FitOptions{.threads = options.threads});
    if (!fit) {
      v.error = fit.error().message;
      out.models.push_back(std::move(v));
      continue;
    }
    const FittedModel fitted{model, fit->params};
    // Accumulators: |error|, error^2, predicted total, cumulative per point, sum per group.
    const std::size_t width = 3 + points + groups;
    const RfmRows& c = in.calibration;
    const std::vector<double> sums = internal::block_sums(
        options.threads, n, width, [&](std::size_t begin, std::size_t end, std::vector<double>& s) {
          for (std::size_t i = begin; i < end; ++i) {
            double at_end = 0;
            const double alive = fitted.p_alive(c.x[i], c.t_x[i], c.T[i]);
            for (std::size_t k = 0; k < points; ++k) {
              const double e = alive * fitted.expected_if_alive(out.points[k], c.x[i], c.T[i]);
              s[3 + k] += e;
              at_end = e;
            }
            const double error = at_end - in.holdout[i];
            s[0] += std::abs(error);
            s[1] += error * error;
            s[2] += at_end;
            s[3 + points + group_of(c.x[i], options.frequency_groups)] += at_end;
          }
        });
    const double customers = static_cast<double>(n);
    v.mae = sums[0] / customers;
    v.rmse = std::sqrt(sums[1] / customers);
    v.predicted_total = sums[2];
    v.cumulative.assign(sums.begin() + 3, sums.begin() + 3 + static_cast<std::ptrdiff_t>(points));
    v.by_frequency.resize(groups);
    for (std::size_t g = 0; g < groups; ++g) {
      const double count = out.group_customers[g];
      v.by_frequency[g] = count > 0 ? sums[3 + points + g] / count : 0.0;
    }
    v.fit = std::move(*fit);
    out.models.push_back(std::move(v));
  }
  for (std::size_t m = 0; m < out.models.size(); ++m) {
    const ModelValidation& v = out.models[m];
    if (!v.fit || !v.fit->converged) continue;
    if (!out.best) {
      out.best = m;
      continue;
    }
    const ModelValidation& b = out.models[*out.best];
    if (v.rmse < b.rmse || (v.rmse == b.rmse && v.mae < b.mae)) out.best = m;
  }
  return out;
}

}  // namespace vafa::clv
