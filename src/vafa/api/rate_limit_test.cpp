#include "vafa/api/rate_limit.hpp"

#include <string>

#include <gtest/gtest.h>

namespace vafa::api {
namespace {

TEST(RateLimiter, EachKeyHasItsBurstThenItsRate) {
  RateLimiter limits({.burst = 100, .per_second = 100}, {.burst = 3, .per_second = 0.5}, 10);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limits.take("a", 0), 0);
  EXPECT_EQ(limits.take("a", 0), 2);  // one token comes back in 2 s
  EXPECT_EQ(limits.take("b", 0), 0);  // another key has its own bucket
  EXPECT_EQ(limits.take("a", 1.9), 1);
  EXPECT_EQ(limits.take("a", 2.0), 0);
  EXPECT_EQ(limits.take("a", 2.0), 2);
  EXPECT_EQ(limits.take("a", 100), 0);  // refills, but never past the burst
  EXPECT_EQ(limits.take("a", 100), 0);
  EXPECT_EQ(limits.take("a", 100), 0);
  EXPECT_GT(limits.take("a", 100), 0);
}

TEST(RateLimiter, TheOverallBucketHoldsEveryKeyAndARefusalCostsNothing) {
  RateLimiter limits({.burst = 2, .per_second = 1}, {.burst = 5, .per_second = 1}, 10);
  EXPECT_EQ(limits.take("a", 0), 0);
  EXPECT_EQ(limits.take("b", 0), 0);
  EXPECT_EQ(limits.take("c", 0), 1);
  EXPECT_EQ(limits.take("c", 1), 0);  // "c" was not charged for its refusal
}

TEST(RateLimiter, TheKeysKeptAreBoundedFullBucketsGoFirstThenTheOldest) {
  RateLimiter limits({.burst = 1e9, .per_second = 1e9}, {.burst = 2, .per_second = 0.001}, 100);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limits.take(std::to_string(i), i), 0);
  EXPECT_LE(limits.keys(), 100U);
  // A busy key keeps its state through a flood of new ones that finds no full bucket to drop.
  RateLimiter held({.burst = 1e9, .per_second = 1e9}, {.burst = 1, .per_second = 0.001}, 4);
  EXPECT_EQ(held.take("busy", 100), 0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(held.take("k" + std::to_string(i), 101 + i), 0);
  EXPECT_GT(held.take("busy", 104), 0);
  EXPECT_EQ(held.take("new", 105), 0);  // full: the one unused longest ("k0") goes
  EXPECT_EQ(held.keys(), 4U);
  EXPECT_GT(held.take("busy", 106), 0);  // still limited
  EXPECT_EQ(held.take("k0", 107), 0);    // forgotten, so a fresh bucket
}

}  // namespace
}  // namespace vafa::api
