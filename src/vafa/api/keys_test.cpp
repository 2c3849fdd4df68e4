// API keys: created once, stored only as a prefix and a hash, checked in constant time, refused
// when unknown, malformed or revoked; roles ordered reader < writer < admin.
#include "vafa/api/keys.hpp"

#include <filesystem>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vafa/store/testing.hpp"

namespace vafa::api {
namespace {

class KeysTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vafa-keys-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_test_store(dir_, "k");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(KeysTest, ACreatedKeyAuthenticatesWithItsRoleAndIsNotStored) {
  auto made = create_key(*store_, "shop frontend", Role::writer, 1'700'000'000);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_THAT(made->key, testing::StartsWith("vafa_"));
  EXPECT_EQ(made->key.size(), 5U + 43U);  // 32 random bytes in unpadded base64url
  auto caller = authenticate(*store_, "Bearer " + made->key);
  ASSERT_TRUE(caller.has_value()) << caller.error().message;
  EXPECT_EQ(caller->name, "shop frontend");
  EXPECT_EQ(caller->role, Role::writer);
  EXPECT_TRUE(authenticate(*store_, "bearer   " + made->key + "  ").has_value());

  // The store holds the prefix and the hash, not the key.
  const auto keys = store_->api_keys().value();
  ASSERT_EQ(keys.size(), 1U);
  EXPECT_EQ(keys[0].prefix, made->key.substr(0, 13));
  EXPECT_EQ(keys[0].hash, key_hash(made->key));
  EXPECT_EQ(keys[0].hash.size(), 64U);
  EXPECT_EQ(keys[0].hash.find(made->key.substr(5)), std::string::npos);

  // Two keys never collide; a name is used once.
  auto other = create_key(*store_, "reports", Role::reader, 1'700'000'001);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(other->key, made->key);
  auto twice = create_key(*store_, "reports", Role::admin, 1'700'000'002);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
}

TEST_F(KeysTest, BadUnknownAndRevokedKeysAreRefusedAlike) {
  auto made = create_key(*store_, "pos", Role::admin, 1);
  ASSERT_TRUE(made.has_value());
  std::string tampered = made->key;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';  // same prefix, wrong key
  for (const std::string& header :
       {std::string(), std::string("Bearer"), std::string("Basic ") + made->key, made->key,
        std::string("Bearer vafa_short"), "Bearer " + tampered, std::string("Bearer ' OR 1=1 --"),
        "Bearer " + std::string(500, 'x')}) {
    auto refused = authenticate(*store_, header);
    ASSERT_FALSE(refused.has_value()) << header;
    EXPECT_EQ(refused.error().code, ErrorCode::unauthenticated) << header;
  }
  ASSERT_TRUE(store_->revoke_api_key("pos", 2));
  EXPECT_FALSE(authenticate(*store_, "Bearer " + made->key).has_value());
  EXPECT_EQ(store_->api_keys().value()[0].revoked_at, 2);
  ASSERT_TRUE(store_->revoke_api_key("pos", 3));  // again: the first time stays
  EXPECT_EQ(store_->api_keys().value()[0].revoked_at, 2);
  EXPECT_EQ(store_->revoke_api_key("nobody", 3).error().code, ErrorCode::not_found);
}

TEST(Roles, OrderedAndParsed) {
  EXPECT_TRUE(allows(Role::admin, Role::writer));
  EXPECT_TRUE(allows(Role::writer, Role::reader));
  EXPECT_FALSE(allows(Role::reader, Role::writer));
  EXPECT_FALSE(allows(Role::writer, Role::admin));
  EXPECT_EQ(parse_role("writer").value(), Role::writer);
  EXPECT_FALSE(parse_role("root").has_value());
}

TEST_F(KeysTest, NamesAreValidated) {
  EXPECT_FALSE(create_key(*store_, "", Role::reader, 1).has_value());
  EXPECT_FALSE(create_key(*store_, "tab\there", Role::reader, 1).has_value());
  EXPECT_FALSE(create_key(*store_, std::string(101, 'n'), Role::reader, 1).has_value());
  EXPECT_TRUE(create_key(*store_, "فروشگاه", Role::reader, 1).has_value());  // Persian is fine
}

}  // namespace
}  // namespace vafa::api
