// Signing in to the dashboard and out (docs/dashboard.md). The caller's address and the name
// are rate-limited first; the password is then checked on the server's password pool (Argon2id
// takes tens of milliseconds and 64 MiB, and must hold up neither the I/O threads nor the
// writer); only the new session's row is written by the writer.

#include "vafa/api/handlers.hpp"
#include "vafa/api/users.hpp"

namespace vafa::api::detail {

namespace {

// What the page needs to know of its user and of the server (whether it runs a loyalty club).
Json session_json(const DashboardUser& user, const DashboardSession& session, bool club) {
  return {{"name", user.name},
          {"role", user.role},
          {"lang", user.lang},
          {"csrf_token", session.csrf},
          {"expires_at", format_iso8601(from_unix_seconds(session.expires_at))},
          {"loyalty_club", club}};
}

}  // namespace

Step sign_in(const Service& service, Call& call) {
  if (!call.request.idempotency_key.empty()) {
    return fail(ErrorCode::invalid_argument, "signing in takes no Idempotency-Key");
  }
  auto body = parse_json_body(call.request);
  if (!body) return body.error();
  FieldErrors errors;
  for (const char* key : {"name", "password"}) {
    if (!body->is_object() || !body->contains(key) || !(*body)[key].is_string() ||
        (*body)[key].get<std::string>().empty() || (*body)[key].get<std::string>().size() > 1024) {
      errors.push_back({fmt::format("/{}", key), "is required (text)"});
    }
  }
  if (body->is_object() && body->size() > 2) errors.push_back({"", "give only name and password"});
  if (!errors.empty()) return field_errors(errors);
  const std::string name = (*body)["name"];
  std::string password = (*body)["password"];
  const std::int64_t now = unix_seconds(call.mapping.now);
  if (const std::int64_t wait = service.sign_in_attempt(call.request.remote); wait > 0) {
    Error error{ErrorCode::rate_limited, "too many sign-ins from here; try again later"};
    error.retry_after = wait;
    return error;
  }
  if (const std::int64_t wait = service.sign_in_wait(name, now); wait > 0) {
    Error error{ErrorCode::rate_limited, "too many failed sign-ins for this name; try again later"};
    error.retry_after = wait;
    return error;
  }
  auto found = call.store.dashboard_user(name);
  if (!found) return from(found.error());
  std::optional<DashboardUser> user;
  if (*found && !(*found)->disabled_at) user = std::move(**found);
  // The hash is checked on the password pool; what follows runs there too.
  return PasswordCheck{[&service, name, password = std::move(password), user = std::move(user),
                        now]() -> std::variant<Reply, WriteJob> {
    const bool ok = user ? verify_password(user->password_hash, password)
                         : (verify_nobody(password), false);  // as slow as a wrong password
    if (!ok) {
      service.sign_in_failed(name, now);
      return problem(ErrorCode::unauthenticated, "wrong name or password");
    }
    service.sign_in_succeeded(name);
    const std::int64_t lifetime = service.options().session_seconds;
    NewSession made = new_session(user->id, now, lifetime);
    return WriteJob([made = std::move(made), user = *user, lifetime,
                     secure = service.options().secure_cookies,
                     club = service.club().config().enabled](Store& store) -> Result<Reply> {
      VAFA_CHECK(store.put_session(made.session));
      Reply reply = created(session_json(user, made.session, club));
      reply.headers.emplace_back("Set-Cookie", session_cookie(made.token, lifetime, secure));
      reply.headers.emplace_back("Cache-Control", "no-store");
      return reply;
    });
  }};
}

Step get_session(const Service& service, Call& call) {
  auto in = signed_in(call.store, call.request.cookie, unix_seconds(call.mapping.now));
  if (!in) return from(in.error());
  if (!*in) return fail(ErrorCode::unauthenticated, "not signed in");
  Reply reply = ok(session_json((*in)->user, (*in)->session, service.club().config().enabled));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

Step sign_out(const Service& service, Call& call) {
  const std::string token = session_token(call.request.cookie);
  return WriteJob(
      [token, secure = service.options().secure_cookies](Store& store) -> Result<Reply> {
        if (!token.empty()) VAFA_CHECK(store.delete_session(key_hash(token)));
        Reply reply = no_content();
        reply.headers.emplace_back("Set-Cookie", expired_cookie(secure));
        return reply;
      });
}

}  // namespace vafa::api::detail
