// Training the recommender on the whole store and storing what the other layers read: the
// model's neighbours, the popular lists and every customer's top-k, in one transaction.
#pragma once

#include <cstdint>

#include "vafa/recommend/engine.hpp"

namespace vafa::recommend {

struct TrainReport {
  std::int64_t products = 0, customers = 0, purchases = 0;
  std::uint64_t pairs = 0;          // (customer, pair) co-purchases counted
  std::int64_t neighbour_rows = 0;  // stored
  std::int64_t lists = 0;           // customers with at least one recommendation
};

// `threads` compute the customers' lists in parallel (the store is only used by the caller's
// thread). `now` is recorded as the training time.
Result<TrainReport> train_and_store(Store& store, const EngineOptions& options, std::int64_t now,
                                    unsigned threads = 2);

// The options as stored with the model (JSON).
std::string options_json(const EngineOptions& options);

}  // namespace vafa::recommend
