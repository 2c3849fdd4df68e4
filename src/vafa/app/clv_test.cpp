// The CLV pipeline as workflows: a purchase model recovers the parameters customers were
// simulated with, the options are checked before anything is read, and a forecast of the
// store's customers is stored in minor units and read back the same.
#include "vafa/app/clv.hpp"

#include <cmath>

#include <gmock/gmock.h>

#include "vafa/app/app_test_support.hpp"
#include "vafa/app/orders.hpp"
#include "vafa/generate/btyd.hpp"
#include "vafa/generate/sinks.hpp"

namespace vafa::app {
namespace {

using ::testing::HasSubstr;
using testing_support::AppFixture;
using testing_support::at;
using testing_support::kDay;

ClvModel bgnbd() { return ClvModel{ClvModel::Kind::purchase, clv::PurchaseModel::bgnbd}; }

TEST(ClvForecast, RecoversTheParametersOfSimulatedCustomersAndPredictsEachOne) {
  const generate::BtydParams truth{.r = 0.25, .alpha = 4.0, .a = 0.8, .b = 2.5, .seed = 7};
  const generate::BtydCustomers sim = generate::simulate_btyd(truth, 20'000);
  ClvInputs in;
  for (std::size_t i = 0; i < sim.x.size(); ++i) {
    in.ids.push_back(std::to_string(i));
    in.rfm.push(sim.x[i], sim.t_x[i], sim.T[i], 1.0);
  }
  const auto forecast =
      forecast_clv(in, ClvForecastOptions{.model = bgnbd(), .horizon = 52, .threads = 2});
  ASSERT_TRUE(forecast.has_value()) << forecast.error().message;
  ASSERT_TRUE(forecast->fit.converged);
  const std::vector<double> expected_params{truth.r, truth.alpha, truth.a, truth.b};
  for (std::size_t k = 0; k < expected_params.size(); ++k) {
    EXPECT_NEAR(forecast->fit.params[k], expected_params[k], 0.2 * expected_params[k])
        << forecast->fit.names[k];
  }
  ASSERT_EQ(forecast->alive.size(), in.rfm.size());
  for (std::size_t i = 0; i < in.rfm.size(); ++i) {
    ASSERT_GE(forecast->alive[i], 0.0);
    ASSERT_LE(forecast->alive[i], 1.0);
    ASSERT_GE(forecast->expected[i], 0.0);
  }
  EXPECT_FALSE(forecast->spend.has_value());  // no order values: no CLV
  EXPECT_TRUE(forecast->value.empty());
  EXPECT_TRUE(forecast->warnings.empty());
  // The same on one thread: the thread count changes nothing but the speed.
  const auto single =
      forecast_clv(in, ClvForecastOptions{.model = bgnbd(), .horizon = 52, .threads = 1});
  ASSERT_TRUE(single.has_value());
  EXPECT_EQ(single->expected, forecast->expected);
}

TEST(ClvForecast, OptionsThatMakeNoSenseAreRefusedBeforeAnythingIsRead) {
  EXPECT_TRUE(check_clv_forecast_options({.model = bgnbd()}).has_value());
  EXPECT_THAT(
      check_clv_forecast_options({.model = ClvModel{ClvModel::Kind::spend}}).error().message,
      HasSubstr("spend model"));
  EXPECT_EQ(check_clv_forecast_options({.model = bgnbd(), .horizon = 0}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(check_clv_forecast_options({.model = bgnbd(), .horizon = NAN}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(check_clv_forecast_options({.model = bgnbd(), .discount_rate = -0.1}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_THAT(check_clv_forecast_options({.model = ClvModel{ClvModel::Kind::bgbb}, .horizon = 2.5})
                  .error()
                  .message,
              HasSubstr("whole periods"));
  EXPECT_EQ(parse_clv_model("bgnbd")->kind, ClvModel::Kind::purchase);
  EXPECT_EQ(parse_clv_model("bgbb")->kind, ClvModel::Kind::bgbb);
  EXPECT_FALSE(parse_clv_model("nbd").has_value());
}

class ClvStoreTest : public AppFixture {};

TEST_F(ClvStoreTest, AForecastOfTheStoresCustomersIsStoredInMinorUnits) {
  // A generated shop of 2,000 customers (BG/NBD purchases, gamma-gamma order values).
  const auto made = generate::generate_into_store({.customers = 2000, .seed = 3}, *store_, run_);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  const auto end = default_calibration_end(*store_);
  ASSERT_TRUE(end.has_value()) << end.error().message;
  EXPECT_THAT(end->why, HasSubstr("last order"));
  const auto in = clv_inputs_from_store(*store_, {.calibration_end = end->at});
  ASSERT_TRUE(in.has_value()) << in.error().message;
  EXPECT_GT(in->rfm.size(), 1000U);
  EXPECT_EQ(in->currency, "USD");
  EXPECT_EQ(in->unit, "week");
  const ClvForecastOptions options{.model = bgnbd(), .horizon = 26};
  const auto forecast = forecast_clv(*in, options);
  ASSERT_TRUE(forecast.has_value()) << forecast.error().message;
  const auto run = store_clv_forecast(*store_, *in, *forecast, options, "bgnbd", now_);
  ASSERT_TRUE(run.has_value()) << run.error().message;
  const std::string& who = in->ids[7];
  const auto stored = store_->get_clv_prediction(who).value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->first.model, "bgnbd");
  EXPECT_EQ(stored->first.calibration_end, end->at);
  const auto i =
      static_cast<std::size_t>(std::find(in->ids.begin(), in->ids.end(), who) - in->ids.begin());
  EXPECT_DOUBLE_EQ(stored->second.p_alive, forecast->alive[i]);
  ASSERT_TRUE(forecast->spend.has_value());
  EXPECT_EQ(stored->second.clv_minor, std::llround(forecast->value[i] * 100));
  EXPECT_EQ(stored->second.expected_order_value_minor,
            std::llround(forecast->order_value[i] * 100));
  EXPECT_EQ(stored->first.currency, "USD");

  // What a summary file gives has no store rows: it cannot be stored.
  ClvInputs file = *in;
  file.rows.clear();
  EXPECT_EQ(store_clv_forecast(*store_, file, *forecast, options, "bgnbd", now_).error().code,
            ErrorCode::invalid_argument);
}

// Customers who buy on a steady rhythm to the end show no dropout: BG/NBD's a and b run to
// millions and its predictions stop being numbers. That is refused with what to try, never
// stored or printed as nan.
TEST_F(ClvStoreTest, AFitWithoutFinitePredictionsIsRefusedWithWhatToTry) {
  std::int64_t n = 0;
  for (int c = 0; c < 60; ++c) {
    const std::string id = "c" + std::to_string(c);
    add_customer(id);
    for (int k = 0; k <= c % 6; ++k) {
      const std::int64_t placed = at(2026, 1, 1) + (c % 7) * kDay + k * 7 * kDay;
      ASSERT_TRUE(place_order(
          context(),
          order_of("O" + std::to_string(++n), id, {{"A", 1, 1000 + 50 * ((c + k) % 6)}}, placed),
          std::nullopt));
    }
  }
  const auto end = default_calibration_end(*store_);
  ASSERT_TRUE(end.has_value());
  const auto in = clv_inputs_from_store(*store_, {.calibration_end = end->at});
  ASSERT_TRUE(in.has_value()) << in.error().message;
  const auto forecast = forecast_clv(*in, ClvForecastOptions{.model = bgnbd(), .horizon = 26});
  ASSERT_FALSE(forecast.has_value());
  EXPECT_EQ(forecast.error().code, ErrorCode::aborted);
  EXPECT_THAT(forecast.error().message, HasSubstr("no finite prediction for 60 of 60"));
  EXPECT_THAT(forecast.error().message, HasSubstr("pareto-nbd"));
  EXPECT_FALSE(store_->latest_clv_run().value().has_value());
}

TEST_F(ClvStoreTest, TheStoresInputsNeedOrdersInOneCurrency) {
  add_customer("c1");
  EXPECT_THAT(clv_inputs_from_store(*store_, {.calibration_end = now_}).error().message,
              HasSubstr("no orders"));
  ASSERT_TRUE(
      place_order(context(), order_of("O1", "c1", {{"A", 1, 1000}}, now_ - kDay), std::nullopt));
  Order euros = order_of("O2", "c1", {{"A", 1, 1000}}, now_ - kDay);
  euros.currency = *Currency::parse("EUR");
  ASSERT_TRUE(store_->put_order(euros, run_).has_value());
  EXPECT_THAT(clv_inputs_from_store(*store_, {.calibration_end = now_}).error().message,
              HasSubstr("USD and EUR"));
}

}  // namespace
}  // namespace vafa::app
