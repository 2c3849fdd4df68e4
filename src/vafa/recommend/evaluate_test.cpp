// Evaluation metrics on tiny cases worked out by hand.
#include "vafa/recommend/evaluate.hpp"

#include <gtest/gtest.h>

namespace vafa::recommend {
namespace {

TEST(ScoreList, WorkedByHand) {
  // Recommended a b c d (1 2 3 4); relevant b, d and x (2, 4, 9); k = 4.
  const std::uint32_t recommended[] = {1, 2, 3, 4};
  const std::uint32_t relevant[] = {2, 4, 9};
  const ListScore s = score_list(recommended, relevant, 4);
  EXPECT_TRUE(s.hit);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);                              // 2 hits of 4
  EXPECT_DOUBLE_EQ(s.recall, 2.0 / 3.0);                           // 2 of 3 relevant
  EXPECT_DOUBLE_EQ(s.average_precision, (1.0 / 2 + 2.0 / 4) / 3);  // P@2, P@4 over min(3, 4)
  // k = 2 looks at a and b only: P@2 = 1/2, AP = (1/2) / min(3, 2).
  const ListScore two = score_list(recommended, relevant, 2);
  EXPECT_DOUBLE_EQ(two.precision, 0.5);
  EXPECT_DOUBLE_EQ(two.recall, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(two.average_precision, 0.25);
  // A short list is still divided by k; nothing relevant scores zero.
  const std::uint32_t one[] = {4};
  EXPECT_DOUBLE_EQ(score_list(one, relevant, 4).precision, 0.25);
  const std::uint32_t none[] = {7};
  const ListScore miss = score_list(none, relevant, 4);
  EXPECT_FALSE(miss.hit);
  EXPECT_DOUBLE_EQ(miss.average_precision, 0);
  // The first hit in first place: AP 1 when it is the only relevant product.
  const std::uint32_t only[] = {1};
  EXPECT_DOUBLE_EQ(score_list(recommended, only, 10).average_precision, 1.0);
}

}  // namespace
}  // namespace vafa::recommend
