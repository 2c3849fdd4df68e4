#include "vafa/generate/random.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace vafa::generate {
namespace {

struct Moments {
  double mean = 0;
  double variance = 0;
};

template <typename F>
Moments moments(F draw, int n) {
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  return {mean, sum_sq / n - mean * mean};
}

TEST(Rng, SameSeedAndStreamSameSequenceOtherStreamsDiffer) {
  Rng a(42, 7), b(42, 7), c(42, 8), d(43, 7);
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
    EXPECT_NE(x, d.next());
  }
}

TEST(Rng, UniformAndBelowStayInRange) {
  Rng rng(1, 1);
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_LT(rng.below(7), 7u);
  }
  std::vector<int> counts(5);
  for (int i = 0; i < 50000; ++i) ++counts[rng.below(5)];
  for (const int c : counts) EXPECT_NEAR(c, 10000, 400);
}

// Sample moments of 200,000 draws against the distributions' exact mean and variance; the
// tolerances are about five standard errors.
TEST(Rng, GammaMatchesItsMomentsForSmallAndLargeShapes) {
  Rng rng(3, 3);
  for (const auto& [shape, scale] : {std::pair{0.243, 1 / 4.414}, {0.9, 1 / 60.0}, {6.0, 2.5}}) {
    const auto m = moments([&] { return rng.gamma(shape, scale); }, 200000);
    const double mean = shape * scale;
    const double variance = shape * scale * scale;
    EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(variance / 200000)) << shape;
    EXPECT_NEAR(m.variance, variance, 0.05 * variance) << shape;
  }
}

TEST(Rng, BetaExponentialAndPoissonMoments) {
  Rng rng(5, 5);
  const auto beta = moments([&] { return rng.beta(0.8, 3.0); }, 200000);
  EXPECT_NEAR(beta.mean, 0.8 / 3.8, 0.003);
  const double beta_var = 0.8 * 3.0 / (3.8 * 3.8 * 4.8);
  EXPECT_NEAR(beta.variance, beta_var, 0.05 * beta_var);
  const auto expo = moments([&] { return rng.exponential(0.5); }, 200000);
  EXPECT_NEAR(expo.mean, 2.0, 0.03);
  const auto pois = moments([&] { return static_cast<double>(rng.poisson(0.8)); }, 200000);
  EXPECT_NEAR(pois.mean, 0.8, 0.01);
  EXPECT_NEAR(pois.variance, 0.8, 0.02);
}

TEST(Rng, PickFollowsTheWeights) {
  Rng rng(9, 9);
  const std::vector<double> cumulative = {1, 3, 6};  // weights 1, 2, 3
  std::vector<int> counts(3);
  for (int i = 0; i < 60000; ++i) ++counts[rng.pick(cumulative)];
  EXPECT_NEAR(counts[0], 10000, 400);
  EXPECT_NEAR(counts[1], 20000, 500);
  EXPECT_NEAR(counts[2], 30000, 500);
}

}  // namespace
}  // namespace vafa::generate
