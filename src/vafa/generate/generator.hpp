// A generator of realistic retail data with known generating parameters (docs/generator.md):
// customers with identities, consent and names in Persian, Armenian and English; a catalogue with
// categories and co-purchase bundles; orders from a BG/NBD purchase process with Gamma-Gamma
// order values; returns, guest orders and engagement events. The same parameters and seed give
// byte-identical output.
#pragma once

#include <cstdint>
#include <string>

#include "vafa/core/error.hpp"
#include "vafa/core/time.hpp"
#include "vafa/domain/model.hpp"
#include "vafa/store/store.hpp"

namespace vafa::generate {

struct GeneratorParams {
  std::int64_t customers = 10'000;
  std::uint64_t seed = 1;
  Date start{std::chrono::year{2024}, std::chrono::January, std::chrono::day{1}};
  int days = 730;  // length of the observation period
  std::string currency = "USD";
  std::int64_t products = 0;  // 0: customers / 20, between 60 and 50,000

  // BG/NBD purchase process, time in days: purchase rate lambda ~ Gamma(shape r, rate alpha),
  // drop-out probability after each purchase p ~ Beta(a, b).
  double r = 0.9;
  double alpha = 60.0;
  double a = 0.8;
  double b = 3.0;
  // Gamma-Gamma order value, in major currency units: nu ~ Gamma(shape q, rate gamma), each
  // order's value z ~ Gamma(shape p, rate nu); mean order value p * gamma / (q - 1).
  double p = 6.0;
  double q = 4.0;
  double gamma = 30.0;

  double prospect_share = 0.08;  // customers who sign up and never buy
  double return_share = 0.03;    // orders with a later return of one line
  double guest_share = 0.02;     // chance per customer of one extra unattributed guest order

  Status validate() const;
};

// Where generated records go: CSV/NDJSON files or the store.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status product(const Product& product) = 0;
  virtual Status customer(const Customer& customer) = 0;
  virtual Status order(const Order& order) = 0;
  virtual Status event(const Event& event) = 0;
  // Marketing spend, after all customers: one row per day and channel with new customers.
  virtual Status spend(const SpendRecord& /*row*/) { return {}; }
  // Called after each customer's records, so a sink can commit in batches.
  virtual Status customer_done(std::int64_t /*index*/) { return {}; }
};

struct GeneratedCounts {
  std::int64_t customers = 0;
  std::int64_t products = 0;
  std::int64_t orders = 0;
  std::int64_t order_lines = 0;
  std::int64_t events = 0;
  std::int64_t spend_rows = 0;
};

Result<GeneratedCounts> generate(const GeneratorParams& params, Sink& sink);

}  // namespace vafa::generate
