// The conformance suite (fixture.hpp): API keys, dashboard users and sessions.
#include "vafa/store/conformance/fixture.hpp"

namespace vafa::conformance {
namespace {

constexpr std::int64_t T = 1'700'000'000;

TEST_P(StoreConformance, ApiKeysAreUniqueByNameAndPrefixAndRevokedOnce) {
  ApiKeyRecord ci{
      .name = "ci", .role = "writer", .prefix = "vk_abc", .hash = "00ff", .created_at = T};
  const std::int64_t id = store_->create_api_key(ci).value();
  EXPECT_GT(id, 0);
  ApiKeyRecord same_name = ci;
  same_name.prefix = "vk_def";
  EXPECT_EQ(store_->create_api_key(same_name).error().code, ErrorCode::conflict);
  ApiKeyRecord same_prefix = ci;
  same_prefix.name = "other";
  EXPECT_EQ(store_->create_api_key(same_prefix).error().code, ErrorCode::conflict);
  ASSERT_TRUE(store_->create_api_key(ApiKeyRecord{
      .name = "board", .role = "reader", .prefix = "vk_xyz", .hash = "11", .created_at = T}));

  const auto found = store_->api_key_by_prefix("vk_abc").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->role, "writer");
  EXPECT_EQ(found->hash, "00ff");
  EXPECT_FALSE(found->revoked_at);
  EXPECT_FALSE(store_->api_key_by_prefix("vk_nope").value());
  EXPECT_EQ(store_->api_keys().value().size(), 2U);

  ASSERT_TRUE(store_->revoke_api_key("ci", T + 10));
  ASSERT_TRUE(store_->revoke_api_key("ci", T + 20));  // the first time stays
  EXPECT_EQ(store_->api_key_by_prefix("vk_abc").value()->revoked_at, T + 10);
  EXPECT_EQ(store_->revoke_api_key("nobody", T).error().code, ErrorCode::not_found);
}

TEST_P(StoreConformance, DashboardUsersAndSessions) {
  DashboardUser ana{.name = "ana", .password_hash = "$argon2id$x", .role = "admin", .lang = "hy"};
  ana.created_at = T;
  const std::int64_t id = store_->create_dashboard_user(ana).value();
  EXPECT_EQ(store_->create_dashboard_user(ana).error().code, ErrorCode::conflict);
  ASSERT_TRUE(store_->create_dashboard_user(
      DashboardUser{.name = "reza", .password_hash = "$argon2id$y", .lang = "fa"}));
  const auto read = store_->dashboard_user("ana").value();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->id, id);
  EXPECT_EQ(read->lang, "hy");
  EXPECT_EQ(read->role, "admin");
  EXPECT_EQ(store_->dashboard_user_by_id(id).value()->name, "ana");
  EXPECT_FALSE(store_->dashboard_user("nobody").value());
  EXPECT_FALSE(store_->dashboard_user_by_id(id + 100).value());
  EXPECT_EQ(store_->dashboard_users().value().size(), 2U);

  const DashboardSession s1{
      .token_hash = "aa", .user_id = id, .csrf = "c1", .created_at = T, .expires_at = T + 100};
  const DashboardSession s2{
      .token_hash = "bb", .user_id = id, .csrf = "c2", .created_at = T, .expires_at = T + 1'000};
  ASSERT_TRUE(store_->put_session(s1));
  ASSERT_TRUE(store_->put_session(s2));
  const auto session = store_->session("aa").value();
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user_id, id);
  EXPECT_EQ(session->csrf, "c1");
  EXPECT_EQ(session->expires_at, T + 100);
  EXPECT_EQ(store_->forget_sessions(T + 500).value(), 1);  // s1 expired
  EXPECT_FALSE(store_->session("aa").value());
  ASSERT_TRUE(store_->delete_session("bb"));
  EXPECT_FALSE(store_->session("bb").value());

  // An update changes the hash, role and language; disabling ends the user's sessions.
  ASSERT_TRUE(store_->put_session(s2));
  DashboardUser changed = *read;
  changed.password_hash = "$argon2id$z";
  changed.role = "reader";
  changed.lang = "fa";
  ASSERT_TRUE(store_->update_dashboard_user(changed));
  EXPECT_EQ(store_->dashboard_user("ana").value()->role, "reader");
  EXPECT_EQ(store_->dashboard_user("ana").value()->password_hash, "$argon2id$z");
  EXPECT_TRUE(store_->session("bb").value());
  changed.disabled_at = T + 50;
  ASSERT_TRUE(store_->update_dashboard_user(changed));
  EXPECT_EQ(store_->dashboard_user("ana").value()->disabled_at, T + 50);
  EXPECT_FALSE(store_->session("bb").value());
  changed.name = "nobody";
  EXPECT_EQ(store_->update_dashboard_user(changed).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace vafa::conformance
