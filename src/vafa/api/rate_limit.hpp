// Token buckets for the requests that cost the server most per try (signing in runs Argon2id,
// 64 MiB and tens of milliseconds): one bucket over all callers and one per key (the client's
// address), each with a burst and a steady rate. The keys kept are bounded: when the table is
// full, buckets that have refilled are forgotten first (they hold nothing a new bucket would
// not), then the one unused longest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vafa::api {

struct RateLimit {
  double burst = 10;            // tries allowed at once
  double per_second = 1.0 / 6;  // and then this many per second
};

class RateLimiter {
 public:
  RateLimiter(RateLimit overall, RateLimit per_key, std::size_t max_keys);

  // Takes one try for `key` at `now` (seconds on a steady clock) from both buckets, or none
  // when either is empty; returns 0 when allowed, else the whole seconds to wait (>= 1).
  std::int64_t take(std::string_view key, double now);

  std::size_t keys() const;

 private:
  struct Bucket {
    double tokens = 0;
    double at = 0;    // when tokens was last brought up to date
    double used = 0;  // when the key last asked
  };
  static void refill(Bucket& bucket, const RateLimit& limit, double now);
  static std::int64_t wait_for(const Bucket& bucket, const RateLimit& limit);
  void make_room(double now);

  RateLimit overall_limit_;
  RateLimit per_key_limit_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  Bucket overall_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace vafa::api
