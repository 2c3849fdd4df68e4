// Customer-level inputs of the buy-till-you-die models, as plain columns.
//
// A row is one customer, or a group of customers with identical values (weight = how many).
// Times are in the caller's unit (days, weeks, ...): x repeat purchases, the last at t_x, observed
// for T since the first purchase. Rows are validated before any model sees them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
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

// What is wrong with one (x, t_x, T, weight) row, or nothing. Used by every reader so the
// message can name the row's own line.
std::optional<std::string> check_rfm_row(double x, double t_x, double T, double weight = 1.0);
// Checks every row, and that there is at least one; errors name the 1-based row.
Status validate(const RfmRows& rows);

// Merges identical (x, t_x, T) rows, adding their weights; the result is sorted by x, then t_x,
// then T, so the rows of one frequency are contiguous (the models compute their per-x terms once
// per run of equal x).
RfmRows compress(const RfmRows& rows);

// Rows of one x value: [begin, end) in a compressed (x-sorted) table.
struct XRun {
  double x;
  std::size_t begin, end;
};
std::vector<XRun> runs_of_x(std::span<const double> x);

// Spend rows for the Gamma-Gamma model: x repeat purchases with mean value zbar (> 0).
struct SpendRows {
  std::vector<double> x, zbar, weight;

  std::size_t size() const { return x.size(); }
  void push(double frequency, double mean_value, double count = 1.0);
  double customers() const;
};
std::optional<std::string> check_spend_row(double x, double zbar, double weight = 1.0);
Status validate(const SpendRows& rows);

// BG/BB rows: x transactions in n discrete opportunities, the last at opportunity t_x.
struct DiscreteRows {
  std::vector<double> x, t_x, n, weight;

  std::size_t size() const { return x.size(); }
  void push(double frequency, double recency, double periods, double count = 1.0);
  double customers() const;
};
std::optional<std::string> check_discrete_row(double x, double t_x, double n, double weight = 1.0);
Status validate(const DiscreteRows& rows);

}  // namespace vafa::clv
