// Helpers shared by the CLV model tests: the CDNOW files, gradient and recovery checks.
#pragma once

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vafa/clv/fit.hpp"
#include "vafa/clv/rfm.hpp"
#include "vafa/generate/btyd.hpp"

namespace vafa::clv {

// The CDNOW summaries are plain comma-separated numbers under a header.
inline std::vector<std::vector<double>> read_numbers(const std::string& name) {
  std::ifstream in(std::string(VAFA_SOURCE_DIR) + "/data/cdnow/" + name);
  std::vector<std::vector<double>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    std::vector<double> row;
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(row);
  }
  return rows;
}

inline RfmRows cdnow_rfm() {
  RfmRows rows;
  for (const auto& r : read_numbers("cdnow_customers_summary.csv")) rows.push(r[1], r[2], r[3]);
  return rows;
}

// Finite differences of the log-likelihood against the analytic gradient.
template <typename LL>
void expect_gradient_matches(const LL& ll, std::vector<double> at, const char* what) {
  std::vector<double> grad(at.size());
  ll(at, grad);
  for (std::size_t i = 0; i < at.size(); ++i) {
    const double h = 1e-6 * std::max(1.0, std::abs(at[i]));
    std::vector<double> up = at, down = at, ignored(at.size());
    up[i] += h;
    down[i] -= h;
    const double numeric = (ll(up, ignored) - ll(down, ignored)) / (2 * h);
    EXPECT_NEAR(grad[i], numeric, 1e-5 * std::max(1.0, std::abs(numeric)))
        << what << " param " << i;
  }
}

inline RfmRows rows_of(const generate::BtydCustomers& c) {
  RfmRows rows;
  for (std::size_t i = 0; i < c.x.size(); ++i) rows.push(c.x[i], c.t_x[i], c.T[i]);
  return rows;
}

inline void expect_recovered(const FitResult& fit, const std::vector<double>& truth) {
  for (std::size_t i = 0; i < truth.size(); ++i) {
    ASSERT_TRUE(fit.std_errors[i].has_value());
    EXPECT_LT(std::abs(fit.params[i] - truth[i]), 2 * *fit.std_errors[i])
        << fit.names[i] << " = " << fit.params[i] << " +- " << *fit.std_errors[i] << ", truth "
        << truth[i];
  }
}

}  // namespace vafa::clv
