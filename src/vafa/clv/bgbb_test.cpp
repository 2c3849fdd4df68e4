#include "vafa/clv/bgbb.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "vafa/clv/test_support.hpp"

namespace vafa::clv {
namespace {

DiscreteRows donations() {
  DiscreteRows rows;
  for (const auto& r : read_numbers("donations.csv")) rows.push(r[0], r[1], r[2], r[3]);
  return rows;
}

const BgbbParams kDonations{1.204, 0.750, 0.657, 2.783};

// Customers of the BG/BB process: each opportunity after the first, an alive customer may first
// drop out (theta), then transacts (p).
struct Simulated {
  DiscreteRows calibration;
  std::vector<double> holdout;
};
Simulated simulate(const BgbbParams& p, int customers, int n, int future, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::gamma_distribution<double> ga(p.alpha, 1), gb(p.beta, 1), gg(p.gamma, 1), gd(p.delta, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Simulated out;
  for (int c = 0; c < customers; ++c) {
    const double a = ga(engine), b = gb(engine), g = gg(engine), d = gd(engine);
    const double prob = a / (a + b), theta = g / (g + d);
    double x = 0, t_x = 0, held = 0;
    for (int t = 1; t <= n + future; ++t) {
      if (u(engine) < theta) break;
      if (u(engine) < prob) {
        if (t <= n) {
          x += 1;
          t_x = t;
        } else {
          held += 1;
        }
      }
    }
    out.calibration.push(x, t_x, n);
    out.holdout.push_back(held);
  }
  return out;
}

TEST(Bgbb, ReproducesThePublishedDonationsFit) {
  // Fader, Hardie & Shang (2010): alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783,
  // LL = -33,225.6 on the 11,104 donors of the 1995 cohort.
  const DiscreteRows rows = donations();
  ASSERT_EQ(rows.size(), 22u);
  auto fit = bgbb_fit(rows);
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_TRUE(fit->converged);
  EXPECT_NEAR(fit->params[0], 1.204, 0.0005);
  EXPECT_NEAR(fit->params[1], 0.750, 0.0005);
  EXPECT_NEAR(fit->params[2], 0.657, 0.0005);
  EXPECT_NEAR(fit->params[3], 2.783, 0.0005);
  EXPECT_NEAR(fit->log_likelihood, -33225.6, 0.05);
  EXPECT_DOUBLE_EQ(fit->customers, 11104);
  for (const auto& se : fit->std_errors) ASSERT_TRUE(se.has_value());
}

TEST(Bgbb, GradientMatchesFiniteDifferences) {
  const DiscreteRows rows = donations();
  std::mt19937_64 engine(44);
  for (int trial = 0; trial < 10; ++trial) {
    const std::vector<double> at = random_params(engine, 4);
    expect_gradient_matches(
        [&](const std::vector<double>& q, std::vector<double>& g) {
          return bgbb_log_likelihood({q[0], q[1], q[2], q[3]}, rows, g);
        },
        at, "bgbb");
  }
}

TEST(Bgbb, RecoversSimulatedParameters) {
  const Simulated s = simulate(kDonations, 100000, 6, 0, 14);
  auto fit = bgbb_fit(s.calibration);
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_TRUE(fit->converged);
  expect_recovered(*fit, {1.204, 0.750, 0.657, 2.783});
}

TEST(Bgbb, PredictionsAgreeWithMonteCarlo) {
  const Simulated s = simulate(kDonations, 200000, 6, 5, 15);
  const double n = static_cast<double>(s.holdout.size());
  double predicted = 0, actual = 0, square = 0;
  for (std::size_t i = 0; i < s.holdout.size(); ++i) {
    predicted += bgbb_conditional_expected(kDonations, 5, s.calibration.x[i], s.calibration.t_x[i],
                                           s.calibration.n[i]);
    actual += s.holdout[i];
    square += s.holdout[i] * s.holdout[i];
  }
  const double sd = std::sqrt(square / n - (actual / n) * (actual / n));
  EXPECT_NEAR(predicted / n, actual / n, 4 * sd / std::sqrt(n));
  // New customers over 6 opportunities: the count distribution and its mean.
  std::vector<double> counts(7, 0.0);
  double mean = 0;
  for (std::size_t i = 0; i < s.calibration.size(); ++i) {
    counts[static_cast<std::size_t>(s.calibration.x[i])] += 1;
    mean += s.calibration.x[i];
  }
  double total = 0;
  for (int k = 0; k <= 6; ++k) {
    const double share = counts[static_cast<std::size_t>(k)] / n;
    const double model = bgbb_probability_of_purchases(kDonations, 6, k);
    total += model;
    EXPECT_NEAR(model, share, 4 * std::sqrt(share * (1 - share) / n) + 1e-4) << "k = " << k;
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_NEAR(bgbb_expected(kDonations, 6), mean / n, 0.01);
}

TEST(Bgbb, DiscountingLowersExpectedTransactionsAndZeroRateChangesNothing) {
  const double plain = bgbb_conditional_expected(kDonations, 5, 3, 4, 6);
  EXPECT_DOUBLE_EQ(bgbb_discounted_expected(kDonations, 5, 0.0, 3, 4, 6), plain);
  const double discounted = bgbb_discounted_expected(kDonations, 5, 0.1, 3, 4, 6);
  EXPECT_LT(discounted, plain);
  // Every period is discounted by at least the last period's factor.
  EXPECT_GT(discounted, plain * std::pow(1.1, -5.0));
}

TEST(Bgbb, PAliveFallsWithTimeSinceTheLastTransaction) {
  EXPECT_GT(bgbb_p_alive(kDonations, 3, 6, 6), bgbb_p_alive(kDonations, 3, 4, 6));
  EXPECT_GT(bgbb_p_alive(kDonations, 3, 4, 6), bgbb_p_alive(kDonations, 3, 3, 6));
  for (double x = 0; x <= 6; ++x) {
    const double alive = bgbb_p_alive(kDonations, x, x, 6);
    EXPECT_TRUE(alive > 0 && alive <= 1) << alive;
  }
}

TEST(Bgbb, RejectsUnusableInput) {
  EXPECT_FALSE(bgbb_fit(DiscreteRows{}));
  const struct {
    double x, t_x, n;
    const char* says;
  } bad[] = {{2, 1, 6, "at most one"}, {1, 7, 6, "after the last"}, {1, 0, 6, "recency is 0"},
             {0, 2, 6, "must be 0"},   {1.5, 2, 6, "whole"},        {1, 1, NAN, "periods"}};
  for (const auto& b : bad) {
    DiscreteRows rows;
    rows.push(1, 1, 6);
    rows.push(b.x, b.t_x, b.n);
    auto fit = bgbb_fit(rows);
    ASSERT_FALSE(fit) << b.says;
    EXPECT_NE(fit.error().message.find("row 2"), std::string::npos) << fit.error().message;
    EXPECT_NE(fit.error().message.find(b.says), std::string::npos) << fit.error().message;
  }
  DiscreteRows zeros;
  zeros.push(0, 0, 6, 10);
  EXPECT_FALSE(bgbb_fit(zeros));
}

}  // namespace
}  // namespace vafa::clv
