#include "vafa/clv/special.hpp"

#include <algorithm>
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

DistinctValues distinct_values(std::span<const double> column, std::span<const double> weight) {
  DistinctValues out;
  out.index.resize(column.size());
  std::unordered_map<double, std::uint32_t> seen;
  for (std::size_t i = 0; i < column.size(); ++i) {
    auto [it, added] = seen.try_emplace(column[i], static_cast<std::uint32_t>(out.values.size()));
    if (added) {
      out.values.push_back(column[i]);
      out.weight.push_back(0.0);
    }
    out.index[i] = it->second;
    out.weight[it->second] += weight[i];
  }
  return out;
}

}  // namespace vafa::clv
