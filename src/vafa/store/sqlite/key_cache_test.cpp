#include "vafa/store/sqlite/key_cache.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace vafa::sqlite {
namespace {

TEST(KeyCache, AgreesWithAMapThroughGrowthUpdatesAndTheLimit) {
  KeyCache<std::int64_t> cache(5000);
  std::map<std::string, std::int64_t> truth;
  for (int i = 0; i < 4000; ++i) {
    const std::string key = "SKU" + std::to_string(i * 7919 % 4001);
    cache.put(key, i);
    truth[key] = i;
  }
  EXPECT_EQ(cache.size(), truth.size());
  for (const auto& [key, value] : truth) {
    const std::int64_t* found = cache.find(key);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_EQ(*found, value);
  }
  EXPECT_EQ(cache.find("absent"), nullptr);
  EXPECT_FALSE(cache.contains(""));

  // Past the limit it starts again rather than growing.
  for (int i = 0; i < 2000; ++i) cache.put("more" + std::to_string(i), i);
  EXPECT_LE(cache.size(), 5000u);
  EXPECT_NE(cache.find("more1999"), nullptr);
  cache.clear();
  EXPECT_EQ(cache.find("more1999"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace vafa::sqlite
