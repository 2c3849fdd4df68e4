#include "vafa/clv/special.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

namespace vafa::clv {

double log_gamma(double v) { return boost::math::lgamma(v); }
double digamma(double v) { return boost::math::digamma(v); }
double log_beta(double a, double b) { return log_gamma(a) + log_gamma(b) - log_gamma(a + b); }

double hyp2f1_minus_one_over_b(double A, double B, double C, double z) {
  // term_n = (A)_n (B+1)_{n-1} / ((C)_n n!) z^n; term_1 = A z / C.
  double term = A * z / C;
  double sum = term;
  for (int n = 1; n < 100000; ++n) {
    term *= (A + n) * (B + n) / ((C + n) * (n + 1)) * z;
    sum += term;
    if (std::abs(term) <= 1e-16 * std::abs(sum) || term == 0) break;
  }
  return sum;
}

void hyp2f1_coefficients(double A, double B, double C, double z_max, std::vector<double>& coef) {
  coef.clear();
  double c = A / C, z_n = z_max;  // coefficient and power of term n
  double sum = c * z_n;
  coef.push_back(c);
  for (int n = 1; n < 100000; ++n) {
    c *= (A + n) * (B + n) / ((C + n) * (n + 1));
    z_n *= z_max;
    coef.push_back(c);
    sum += c * z_n;
    if (std::abs(c * z_n) <= 1e-16 * std::abs(sum) || c == 0) break;
  }
}

std::vector<DiscountStep> discount_steps(double horizon, double rate) {
  const int steps = static_cast<int>(std::clamp(std::ceil(horizon), 1.0, 24.0));
  const double step = horizon / steps;
  std::vector<DiscountStep> out(steps);
  for (int k = 1; k <= steps; ++k) out[k - 1] = {k * step, std::pow(1 + rate, -(k - 0.5) * step)};
  return out;
}

DistinctValues distinct_values(std::span<const double> column, std::span<const double> weight) {
  // Frequencies are small whole numbers: those index a table directly, anything else goes
  // through a hash map.
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  constexpr double kDirect = 1 << 16;
  DistinctValues out;
  out.index.resize(column.size());
  std::vector<std::uint32_t> small(static_cast<std::size_t>(kDirect), kNone);
  std::unordered_map<double, std::uint32_t> other;
  auto add = [&](std::uint32_t& slot, double v) {
    if (slot == kNone) {
      slot = static_cast<std::uint32_t>(out.values.size());
      out.values.push_back(v);
      out.weight.push_back(0.0);
    }
    return slot;
  };
  for (std::size_t i = 0; i < column.size(); ++i) {
    const double v = column[i];
    const bool direct = v >= 0 && v < kDirect && v == std::floor(v);
    const std::uint32_t k = direct ? add(small[static_cast<std::size_t>(v)], v)
                                   : add(other.try_emplace(v, kNone).first->second, v);
    out.index[i] = k;
    out.weight[k] += weight[i];
  }
  return out;
}

}  // namespace vafa::clv
