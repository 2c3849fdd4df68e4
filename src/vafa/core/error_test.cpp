#include "vafa/core/error.hpp"

#include <gtest/gtest.h>

namespace vafa {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return fail(ErrorCode::invalid_argument, "{} is odd", x);
  return x / 2;
}

Result<int> quarter(int x) {
  VAFA_TRY(const int h, half(x));
  VAFA_TRY(const int q, half(h));
  return q;
}

Status check_even(int x) {
  VAFA_CHECK(half(x));
  return {};
}

TEST(Error, TryPropagatesFirstError) {
  EXPECT_EQ(quarter(8).value(), 2);
  ASSERT_FALSE(quarter(6));
  EXPECT_EQ(quarter(6).error().message, "3 is odd");
  EXPECT_EQ(quarter(6).error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(check_even(2));
  EXPECT_FALSE(check_even(3));
}

TEST(Error, ContextKeepsCode) {
  const Error e{ErrorCode::not_found, "no such file"};
  const Error wrapped = e.with_context("reading x.csv");
  EXPECT_EQ(wrapped.code, ErrorCode::not_found);
  EXPECT_EQ(wrapped.message, "reading x.csv: no such file");
  EXPECT_EQ(to_string(ErrorCode::conflict), "conflict");
}

}  // namespace
}  // namespace vafa
