// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV";
// Fader & Hardie's note "The Gamma-Gamma Model of Monetary Value", 2013): a customer's order values
// are gamma(p, nu) with nu ~ gamma(q, gamma) across customers, independent of purchasing.
// Fitted on repeat customers' (x, zbar) where zbar is the mean of their x repeat orders.
#pragma once

#include <span>

#include "vafa/clv/fit.hpp"
#include "vafa/clv/rfm.hpp"

namespace vafa::clv {

struct GammaGammaParams {
  double p, q, gamma;
};

double gg_log_likelihood(const GammaGammaParams& params, const SpendRows& rows,
                         std::span<double> grad = {}, int threads = 1);
Result<FitResult> gg_fit(const SpendRows& rows, const FitOptions& options = {});

// E[mean order value | x, zbar]: a weighted mean of the population mean and the customer's own
// (needs q > 1 for the population mean; with x = 0 it is that mean).
Result<double> gg_expected_value(const GammaGammaParams& params, double x, double zbar);

}  // namespace vafa::clv
