// Customer-level inputs of the buy-till-you-die models, as plain columns.
//
// A row is one customer, or a group of customers with identical values (weight = how many).
// Times are in the caller's unit (days, weeks, ...): x repeat purchases, the last at t_x, observed
// for T since the first purchase. Rows are validated before any model sees them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "vafa/core/error.hpp"

namespace vafa::clv {

struct RfmRows {
  std::vector<double> x, t_x, T, weight;

  std::size_t size() const { return x.size(); }
  bool empty() const { return x.empty(); }
  void push(double frequency, double recency, double age, double count = 1.0);
  // The number of customers (the sum of the weights).
  double customers() const;
};

// A whole number >= 0 (frequencies, and BG/BB's periods).
bool is_count(double v);

// What is wrong with one (x, t_x, T, weight) row, or nothing. Used by every reader so the
// message can name the row's own line.
std::optional<std::string> check_rfm_row(double x, double t_x, double T, double weight = 1.0);
// Checks every row, and that there is at least one; errors name the 1-based row.
Status validate(const RfmRows& rows);

// Merges identical (x, t_x, T) rows, adding their weights (in the order each row first appears),
// so a likelihood pass costs one row per distinct customer history.
RfmRows compress(const RfmRows& rows);

// What every purchase-model fit starts with: the rows validated, an error if no customer made a
// repeat purchase (nothing to estimate the rates from), then compressed.
Result<RfmRows> rows_to_fit(const RfmRows& rows);
// The mean of T over customers (weighted), at least 1e-3: the models' default time scale.
double mean_age(const RfmRows& rows);

// Spend rows for the Gamma-Gamma model: x repeat purchases with mean value zbar (> 0).
struct SpendRows {
  std::vector<double> x, zbar, weight;

  std::size_t size() const { return x.size(); }
  void push(double frequency, double mean_value, double count = 1.0);
  double customers() const;
};
std::optional<std::string> check_spend_row(double x, double zbar, double weight = 1.0);
Status validate(const SpendRows& rows);

}  // namespace vafa::clv
