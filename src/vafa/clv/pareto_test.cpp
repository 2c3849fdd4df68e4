#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "vafa/clv/bg_family.hpp"
#include "vafa/clv/model.hpp"
#include "vafa/clv/pareto_nbd.hpp"
#include "vafa/clv/test_support.hpp"
#include "vafa/generate/btyd.hpp"

namespace vafa::clv {
namespace {

const ParetoParams kCdnow{0.553, 10.578, 0.606, 11.669};

TEST(ParetoNbd, ReproducesThePublishedCdnowFit) {
  // Fader, Hardie & Lee (2005, "RFM and CLV"), on the same 2,357 customers:
  // r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0.
  auto fit = pnbd_fit(cdnow_rfm());
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_TRUE(fit->converged);
  EXPECT_NEAR(fit->params[0], 0.553, 0.0005);
  EXPECT_NEAR(fit->params[1], 10.578, 0.0005);
  EXPECT_NEAR(fit->params[2], 0.606, 0.0005);
  // The likelihood is flat along beta here: the optimum is at 11.668 and the printed values'
  // likelihood is 8e-5 below it, so beta is held to 0.002 and the likelihood to at least theirs.
  EXPECT_NEAR(fit->params[3], 11.669, 0.002);
  EXPECT_NEAR(fit->log_likelihood, -9595.0, 0.05);
  EXPECT_GE(fit->log_likelihood, pnbd_log_likelihood(kCdnow, cdnow_rfm()));
  for (const auto& se : fit->std_errors) {
    ASSERT_TRUE(se.has_value());
    EXPECT_GT(*se, 0);
  }
}

TEST(ParetoNbd, GradientMatchesFiniteDifferencesOnBothSidesOfAlphaEqualsBeta) {
  const RfmRows rows = cdnow_rfm();
  std::mt19937_64 engine(43);
  for (int trial = 0; trial < 12; ++trial) {
    const std::vector<double> at = random_params(engine, 4);
    expect_gradient_matches(
        [&](const std::vector<double>& q, std::vector<double>& g) {
          return pnbd_log_likelihood({q[0], q[1], q[2], q[3]}, rows, g);
        },
        at, "pareto-nbd");
  }
  // alpha = beta exactly, where the expansion switches sides.
  expect_gradient_matches(
      [&](const std::vector<double>& q, std::vector<double>& g) {
        return pnbd_log_likelihood({q[0], q[1], q[2], q[3]}, rows, g);
      },
      {0.5, 10.0, 0.6, 10.0}, "pareto-nbd at alpha = beta");
}

TEST(ParetoNbd, RecoversSimulatedParameters) {
  generate::BtydParams sim{.model = generate::DropoutModel::pareto,
                           .r = 0.55,
                           .alpha = 10.5,
                           .a = 0.6,
                           .b = 11.7,
                           .seed = 13};
  auto fit = pnbd_fit(rows_of(generate::simulate_btyd(sim, 100000)));
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_TRUE(fit->converged);
  expect_recovered(*fit, {0.55, 10.5, 0.6, 11.7});
}

TEST(ParetoNbd, PredictionsAgreeWithMonteCarlo) {
  const ParetoParams p = kCdnow;
  const generate::BtydParams sim{.model = generate::DropoutModel::pareto,
                                 .r = p.r,
                                 .alpha = p.alpha,
                                 .a = p.s,
                                 .b = p.beta,
                                 .T_min = 26,
                                 .T_max = 78,
                                 .holdout = 39,
                                 .seed = 98};
  expect_predictions_match_simulation(
      sim, 6,
      [&](double t, double x, double t_x, double T) {
        return pnbd_conditional_expected(p, t, x, t_x, T);
      },
      [&](double t) { return pnbd_expected(p, t); },
      [&](double t, int k) { return pnbd_probability_of_purchases(p, t, k); });
}

TEST(ParetoNbd, DiscountingLowersExpectedPurchasesAndZeroRateChangesNothing) {
  const double plain = pnbd_conditional_expected(kCdnow, 52, 2, 30.43, 38.86);
  EXPECT_DOUBLE_EQ(pnbd_discounted_expected(kCdnow, 52, 0.0, 2, 30.43, 38.86), plain);
  const double discounted = pnbd_discounted_expected(kCdnow, 52, 0.01, 2, 30.43, 38.86);
  EXPECT_LT(discounted, plain);
  EXPECT_GT(discounted, plain * std::pow(1.01, -52.0));
}

TEST(FittedModel, AgreesWithEachModelsOwnFunctions) {
  const struct { double x, t_x, T; } customers[] = {{0, 0, 38.86}, {2, 30.43, 38.86}, {10, 35, 39}};
  const FittedModel pareto{PurchaseModel::pareto_nbd, {0.553, 10.578, 0.606, 11.669}};
  const FittedModel bg{PurchaseModel::mbgnbd, {0.525, 6.183, 0.891, 1.614}};
  for (const auto& c : customers) {
    EXPECT_DOUBLE_EQ(pareto.p_alive(c.x, c.t_x, c.T), pnbd_p_alive(kCdnow, c.x, c.t_x, c.T));
    EXPECT_DOUBLE_EQ(pareto.p_alive(c.x, c.t_x, c.T) * pareto.expected_if_alive(39, c.x, c.T),
                     pnbd_conditional_expected(kCdnow, 39, c.x, c.t_x, c.T));
    EXPECT_DOUBLE_EQ(
        pareto.p_alive(c.x, c.t_x, c.T) * pareto.discounted_if_alive(52, 0.01, c.x, c.T),
        pnbd_discounted_expected(kCdnow, 52, 0.01, c.x, c.t_x, c.T));
    const BgParams p{0.525, 6.183, 0.891, 1.614};
    EXPECT_DOUBLE_EQ(bg.p_alive(c.x, c.t_x, c.T) * bg.expected_if_alive(39, c.x, c.T),
                     bg_conditional_expected(BgVariant::mbgnbd, p, 39, c.x, c.t_x, c.T));
  }
}

TEST(ParetoNbd, ProbabilitiesOfPurchaseCountsSumToOneAndMatchTheMean) {
  double total = 0, mean = 0;
  for (int k = 0; k < 400; ++k) {
    const double pk = pnbd_probability_of_purchases(kCdnow, 52, k);
    total += pk;
    mean += k * pk;
  }
  EXPECT_NEAR(total, 1.0, 1e-6);
  EXPECT_NEAR(mean, pnbd_expected(kCdnow, 52), 1e-4);
}

TEST(ParetoNbd, DertIsTheDiscountedSumOfExpectedPurchases) {
  // DERT against its definition: integral of e^(-delta t) dE[Y(t)], by small steps of the
  // conditional expectation (an independent formula), for a few customers.
  const double delta = std::log1p(0.15) / 52;  // 15% a year, weekly data
  const struct {
    double x, t_x, T;
  } customers[] = {{0, 0, 38.86}, {2, 30.43, 38.86}, {10, 35, 39}, {1, 2, 70}};
  for (const auto& c : customers) {
    auto dert = pnbd_dert(kCdnow, delta, c.x, c.t_x, c.T);
    ASSERT_TRUE(dert) << dert.error().message;
    double sum = 0, before = 0;
    const double step = 0.25;
    for (double t = step; t < 20000; t += step) {
      const double upto = pnbd_conditional_expected(kCdnow, t, c.x, c.t_x, c.T);
      sum += (upto - before) * std::exp(-delta * (t - step / 2));
      before = upto;
    }
    EXPECT_NEAR(*dert, sum, 1e-4 * sum) << "x = " << c.x;
  }
  EXPECT_FALSE(pnbd_dert(kCdnow, 0.0, 1, 1, 10));
}

TEST(ParetoNbd, PublishedPredictionsForCdnow) {
  // Each customer's P(alive) is 1 right after a purchase and falls with time since it.
  EXPECT_NEAR(pnbd_p_alive(kCdnow, 2, 38.86, 38.86), 1.0, 1e-12);
  EXPECT_GT(pnbd_p_alive(kCdnow, 2, 30.43, 38.86), pnbd_p_alive(kCdnow, 2, 10, 38.86));
  // FHL 2005 ("RFM and CLV", fig. 1) draw E[X(t)] for the cohort; at 78 weeks the 2,357
  // customers make about 1.7 repeat purchases each in the model.
  EXPECT_GT(pnbd_expected(kCdnow, 78), 1.0);
  EXPECT_LT(pnbd_expected(kCdnow, 78), 2.5);
}

TEST(ParetoNbd, ExtremeInputsStayFinite) {
  RfmRows rows;
  rows.push(5000, 3600, 3650);
  rows.push(0, 0, 3650);
  rows.push(1, 1e-6, 3650);
  rows.push(3, 2, 2);
  for (const ParetoParams& p :
       {ParetoParams{1e-6, 1e-6, 1e-6, 1e-6}, ParetoParams{1e6, 1e6, 1e6, 1e6},
        ParetoParams{1e-6, 1e6, 1.0, 1e-6}, ParetoParams{0.5, 1e-6, 2.0, 1e6},
        ParetoParams{0.553, 10.578, 1.0, 11.669}, ParetoParams{50, 1e4, 1e-3, 1e-3}}) {
    std::vector<double> grad(4);
    EXPECT_TRUE(std::isfinite(pnbd_log_likelihood(p, rows, grad)));
    for (double g : grad) EXPECT_TRUE(std::isfinite(g));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double alive = pnbd_p_alive(p, rows.x[i], rows.t_x[i], rows.T[i]);
      EXPECT_TRUE(alive >= 0 && alive <= 1) << alive;
      EXPECT_TRUE(
          std::isfinite(pnbd_conditional_expected(p, 365, rows.x[i], rows.t_x[i], rows.T[i])));
    }
  }
  auto fit = pnbd_fit(rows);
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_TRUE(std::isfinite(fit->log_likelihood));
}

TEST(ParetoNbd, RejectsUnusableInput) {
  EXPECT_FALSE(pnbd_fit(RfmRows{}));
  RfmRows zeros;
  zeros.push(0, 0, 10);
  auto all_zero = pnbd_fit(zeros);
  ASSERT_FALSE(all_zero);
  EXPECT_NE(all_zero.error().message.find("frequency 0"), std::string::npos);
  RfmRows bad;
  bad.push(1, 1, 10);
  bad.push(2, 12, 10);
  auto fit = pnbd_fit(bad);
  ASSERT_FALSE(fit);
  EXPECT_NE(fit.error().message.find("row 2"), std::string::npos) << fit.error().message;
}

}  // namespace
}  // namespace vafa::clv
