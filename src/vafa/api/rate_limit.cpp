#include "vafa/api/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace vafa::api {

RateLimiter::RateLimiter(RateLimit overall, RateLimit per_key, std::size_t max_keys)
    : overall_limit_(overall),
      per_key_limit_(per_key),
      max_keys_(std::max<std::size_t>(max_keys, 1)),
      overall_{.tokens = overall.burst, .at = -1} {}

void RateLimiter::refill(Bucket& bucket, const RateLimit& limit, double now) {
  if (bucket.at < 0) bucket.at = now;  // first use
  if (now > bucket.at) {
    bucket.tokens = std::min(limit.burst, bucket.tokens + (now - bucket.at) * limit.per_second);
  }
  bucket.at = std::max(bucket.at, now);
}

std::int64_t RateLimiter::wait_for(const Bucket& bucket, const RateLimit& limit) {
  if (limit.per_second <= 0) return 3600;
  const double seconds = (1.0 - bucket.tokens) / limit.per_second;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(seconds)));
}

void RateLimiter::make_room(double now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, per_key_limit_, now);
    it = it->second.tokens >= per_key_limit_.burst ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < max_keys_) return;
  const auto oldest = std::min_element(buckets_.begin(), buckets_.end(), [](auto& a, auto& b) {
    return a.second.used < b.second.used;
  });
  buckets_.erase(oldest);
}

std::int64_t RateLimiter::take(std::string_view key, double now) {
  std::lock_guard lock(mutex_);
  refill(overall_, overall_limit_, now);
  auto found = buckets_.find(std::string(key));
  if (found == buckets_.end()) {
    if (buckets_.size() >= max_keys_) make_room(now);
    found =
        buckets_.emplace(std::string(key), Bucket{.tokens = per_key_limit_.burst, .at = now}).first;
  }
  Bucket& mine = found->second;
  refill(mine, per_key_limit_, now);
  mine.used = now;
  if (mine.tokens < 1) return wait_for(mine, per_key_limit_);
  if (overall_.tokens < 1) return wait_for(overall_, overall_limit_);
  mine.tokens -= 1;
  overall_.tokens -= 1;
  return 0;
}

std::size_t RateLimiter::keys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace vafa::api
