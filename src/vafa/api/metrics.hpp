// Prometheus text exposition for /metrics: requests by route, method and status, a latency
// histogram per route, and the writer's batches, commits and their time.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "vafa/api/writer.hpp"

namespace vafa::api {

class Metrics {
 public:
  void observe(std::string_view route, std::string_view method, int status, double seconds);
  void connection_opened();
  void connection_closed();
  void connection_refused();

  std::string render(const WriterStats& writer, std::size_t queued) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

 private:
  struct Histogram {
    std::array<std::int64_t, kBuckets.size()> buckets{};
    std::int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::int64_t, std::less<>> requests_;
  std::map<std::tuple<std::string, std::string>, Histogram, std::less<>> latency_;
  std::int64_t open_connections_ = 0;
  std::int64_t connections_ = 0;
  std::int64_t refused_ = 0;
};

}  // namespace vafa::api
