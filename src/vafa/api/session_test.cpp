// Dashboard users and sessions: Argon2id hashes that verify only the right password, the
// session cookie's attributes, sign-in refusals (wrong name and wrong password alike, then a
// lockout), reads with the cookie, writes that need the CSRF token, sign-out and disabled users.
#include <gmock/gmock.h>

#include "vafa/api/api_test_support.hpp"
#include "vafa/api/users.hpp"

namespace vafa::api {
namespace {

using testing::HasSubstr;
using testing_support::ApiFixture;

TEST(Users, PasswordsAreArgon2idHashesThatVerifyOnlyThemselves) {
  const std::string hash = hash_password("correct horse battery").value();
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_NE(hash, hash_password("correct horse battery").value());  // salted
  EXPECT_TRUE(verify_password(hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(hash, "correct horse batterY"));
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(check_password("short"));
  EXPECT_FALSE(check_password(std::string(2000, 'a')));
  EXPECT_FALSE(check_password("ten chars\n ok"));
  EXPECT_TRUE(check_password("رمز عبور بلند"));  // any language
}

TEST(Users, TheSessionCookieIsFoundAmongOthersAndIsHttpOnlyAndStrict) {
  EXPECT_EQ(session_token("a=1; vafa_session=abc-_1 ; b=2"), "abc-_1");
  EXPECT_EQ(session_token("vafa_sessionx=1; other=2"), "");
  EXPECT_EQ(session_token(""), "");
  const std::string cookie = session_cookie("T", 3600, false);
  EXPECT_THAT(cookie, HasSubstr("vafa_session=T; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict"));
  EXPECT_THAT(session_cookie("T", 3600, true), HasSubstr("; Secure"));
  EXPECT_THAT(expired_cookie(false), HasSubstr("Max-Age=0"));
}

class SessionTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_TRUE(create_user(*store_, "ani", Role::writer, "hy", "a long passphrase",
                            unix_seconds(clock_.now())));
  }
  // A request made with a session cookie (and, for writes, the CSRF token).
  Reply as_user(std::string method, std::string target, const std::string& cookie,
                const std::string& csrf = {}, std::string body = {}) {
    Request request{.method = std::move(method),
                    .target = std::move(target),
                    .content_type = body.empty() ? "" : "application/json",
                    .body = std::move(body),
                    .cookie = cookie,
                    .csrf_token = csrf,
                    .remote = remote_};
    return run(service_->handle(*store_, request));
  }
  std::string remote_ = "192.0.2.1";  // the client's address
  static std::string credentials(const std::string& name, const std::string& password) {
    return Json{{"name", name}, {"password", password}}.dump();
  }
};

TEST_F(SessionTest, SigningInGivesACookieForReadsAndACsrfTokenForWrites) {
  const Reply in =
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase"));
  ASSERT_EQ(in.status, 201) << in.body;
  const std::string set_cookie = header(in, "Set-Cookie");
  EXPECT_THAT(set_cookie, HasSubstr("HttpOnly; SameSite=Strict"));
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const Json session = body_of(in);
  EXPECT_EQ(session["role"], "writer");
  EXPECT_EQ(session["lang"], "hy");
  const std::string csrf = session["csrf_token"];

  EXPECT_EQ(as_user("GET", "/api/v1/session", "theme=dark; " + cookie).status, 200);
  EXPECT_EQ(as_user("GET", "/api/v1/segments", cookie).status, 200);
  EXPECT_EQ(as_user("GET", "/api/v1/keys", cookie).status, 403);  // a writer, not an admin
  // Writes need the token: a page of another site can send the cookie but not read the token.
  const std::string customer = R"({"id": "c1"})";
  const Reply forged = as_user("POST", "/api/v1/customers", cookie, {}, customer);
  EXPECT_EQ(forged.status, 403);
  EXPECT_THAT(forged.body, HasSubstr("X-CSRF-Token"));
  EXPECT_EQ(as_user("POST", "/api/v1/customers", cookie, "wrong", customer).status, 403);
  EXPECT_EQ(as_user("POST", "/api/v1/customers", cookie, csrf, customer).status, 201);

  // Signing out ends the session; its cookie no longer works.
  const Reply out = as_user("DELETE", "/api/v1/session", cookie);
  EXPECT_EQ(out.status, 204);
  EXPECT_THAT(header(out, "Set-Cookie"), HasSubstr("Max-Age=0"));
  EXPECT_EQ(as_user("GET", "/api/v1/session", cookie).status, 401);
  EXPECT_EQ(as_user("GET", "/api/v1/segments", cookie).status, 401);
}

TEST_F(SessionTest, WrongNamesAndPasswordsGetOneAnswerThenALockout) {
  const Reply unknown =
      as_user("POST", "/api/v1/session", {}, {}, credentials("nobody", "whatever it is"));
  const Reply wrong =
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "not the passphrase"));
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(body_of(unknown)["detail"], body_of(wrong)["detail"]);
  EXPECT_EQ(as_user("POST", "/api/v1/session", {}, {}, R"({"name": "ani"})").status, 422);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "guess")).status, 401);
  }
  // Five failures in 15 minutes: even the right password waits.
  const Reply locked =
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase"));
  EXPECT_EQ(locked.status, 429);
  EXPECT_FALSE(header(locked, "Retry-After").empty());
  clock_.advance(std::chrono::minutes(16));
  EXPECT_EQ(
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase")).status,
      201);
}

TEST_F(SessionTest, SignInsAreRateLimitedPerAddressAndOverall) {
  // Per address: ten at once (distinct names, so no lockout), then one every six seconds.
  for (int i = 0; i < 10; ++i) {
    const Reply r = as_user("POST", "/api/v1/session", {}, {},
                            credentials(fmt::format("name{}", i), "whatever it is"));
    EXPECT_EQ(r.status, 401) << i;
  }
  const Reply limited =
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_THAT(body_of(limited)["detail"].get<std::string>(), HasSubstr("from here"));
  EXPECT_EQ(header(limited, "Retry-After"), "6");
  remote_ = "192.0.2.2";  // another client is not held up
  EXPECT_EQ(
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase")).status,
      201);
  remote_ = "192.0.2.1";
  clock_.advance(std::chrono::seconds(6));
  EXPECT_EQ(
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase")).status,
      201);
  EXPECT_EQ(as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "x")).status, 429);

  // Overall: a flood from many addresses is held to the overall rate.
  service_ = std::make_unique<Service>(
      ServiceOptions{.sign_in_overall = {.burst = 3, .per_second = 1}}, clock_);
  for (int i = 0; i < 3; ++i) {
    remote_ = fmt::format("198.51.100.{}", i);
    EXPECT_EQ(as_user("POST", "/api/v1/session", {}, {}, credentials("x", "wrong")).status, 401);
  }
  remote_ = "198.51.100.200";
  const Reply flood = as_user("POST", "/api/v1/session", {}, {}, credentials("x", "wrong"));
  EXPECT_EQ(flood.status, 429);
  EXPECT_EQ(header(flood, "Retry-After"), "1");
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(as_user("POST", "/api/v1/session", {}, {}, credentials("x", "wrong")).status, 401);
}

TEST_F(SessionTest, TheFailuresKeptPerNameAreBoundedAndStillLockOut) {
  const std::int64_t now = unix_seconds(clock_.now());
  for (std::size_t i = 0; i < Service::kMaxSignInNames + 500; ++i) {
    service_->sign_in_failed(fmt::format("flood{}", i), now);
  }
  EXPECT_LE(service_->sign_in_names(), Service::kMaxSignInNames);
  for (int i = 0; i < 5; ++i) service_->sign_in_failed("ani", now + 1);
  EXPECT_GT(service_->sign_in_wait("ani", now + 1), 0);  // the newest is kept, the oldest went
  EXPECT_EQ(service_->sign_in_wait("flood0", now + 1), 0);
  // Expired windows make room before anything live is dropped.
  const std::int64_t later = now + 16 * 60;
  service_->sign_in_failed("late", later);
  EXPECT_EQ(service_->sign_in_names(), 1U);  // every earlier window has ended
}

TEST_F(SessionTest, SessionsEndWhenTheyExpireOrTheUserIsDisabled) {
  const Reply in =
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase"));
  const std::string set_cookie = header(in, "Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  clock_.advance(std::chrono::hours(9));  // sessions last 8 hours
  EXPECT_EQ(as_user("GET", "/api/v1/session", cookie).status, 401);

  const Reply again =
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase"));
  const std::string fresh =
      header(again, "Set-Cookie").substr(0, header(again, "Set-Cookie").find(';'));
  EXPECT_EQ(as_user("GET", "/api/v1/session", fresh).status, 200);
  DashboardUser ani = *store_->dashboard_user("ani").value();
  ani.disabled_at = unix_seconds(clock_.now());
  ASSERT_TRUE(store_->update_dashboard_user(ani));
  EXPECT_EQ(as_user("GET", "/api/v1/session", fresh).status, 401);
  EXPECT_EQ(
      as_user("POST", "/api/v1/session", {}, {}, credentials("ani", "a long passphrase")).status,
      401);
}

}  // namespace
}  // namespace vafa::api
