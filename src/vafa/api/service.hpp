// The JSON API under /api/v1 (docs/api.md): routes, authentication and roles, and the handlers.
// Transport-free: the server hands in a Request and sends back a Reply, so handlers are tested
// without sockets and fuzzed without a network.
//
// A request is handled in two steps. On the connection's thread (with that thread's read-only
// use of the store) the route is found, the caller authenticated and authorised, and the body
// parsed and validated; a read is answered there. A write becomes a WriteJob that the single
// writer runs later inside a batch transaction (writer.hpp): it only touches the store, and an
// error from it undoes its own writes and nothing else.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "vafa/api/http.hpp"
#include "vafa/api/json_mapping.hpp"
#include "vafa/api/keys.hpp"
#include "vafa/api/rate_limit.hpp"
#include "vafa/app/context.hpp"
#include "vafa/core/clock.hpp"
#include "vafa/loyalty/club.hpp"
#include "vafa/store/store.hpp"

namespace vafa::api {

// Runs on the writer thread inside a transaction; an Error undoes what it wrote.
using WriteJob = std::function<Result<Reply>(Store& store)>;

// A read that takes seconds on a large store (a segment rule's live count reads every
// customer): the server runs it on a thread of its own with its own connection, so the I/O
// threads keep answering everything else meanwhile.
struct SlowRead {
  std::function<Result<Reply>(Store& store)> run;
};

// A password to verify (Argon2id: 64 MiB and tens of milliseconds of one core). The server
// runs it on a small pool of its own with a bounded queue (503 when full), never on an I/O
// thread, so a flood of sign-ins cannot hold up /healthz or anyone's orders. It needs no store;
// it answers now (a wrong password) or with a write (the new session).
struct PasswordCheck {
  std::function<std::variant<Reply, WriteJob>()> run;
};

// What the first step gives: an answer now, a write for the writer, a slow read, or a password
// check. A handler that fails returns the Error; it becomes its answer through the one mapping
// (http.hpp problem), so no handler chooses a status.
using StepVariant = std::variant<Reply, WriteJob, SlowRead, PasswordCheck>;
struct Step : StepVariant {
  using StepVariant::StepVariant;
  Step(const Error& error) : StepVariant(problem(error)) {}  // NOLINT(google-explicit-constructor)
  Step(std::unexpected<Error> error)
      : StepVariant(problem(error.error())) {}  // NOLINT(google-explicit-constructor)
};

// Runs a slow read on `store` (tests and tools; the server runs it on its slow-read thread).
Reply run_slow_read(const SlowRead& read, Store& store);
// Runs a password check (tests and tools; the server runs it on its password pool); an
// exception from it is a 500.
std::variant<Reply, WriteJob> run_password_check(const PasswordCheck& check);

struct ServiceOptions {
  std::string calling_code;     // for phone numbers without a country prefix
  std::int64_t import_run = 0;  // the run that API orders are written under (Store::start_import)
  // The loyalty club (from vafa.toml); disabled when the file has no [loyalty] table.
  std::shared_ptr<const loyalty::Club> club =
      std::make_shared<const loyalty::Club>(loyalty::Config{});
  // Dashboard sessions: how long one lasts, and whether its cookie is Secure (behind HTTPS).
  std::int64_t session_seconds = 8 * 3600;
  bool secure_cookies = false;
  // Sign-in attempts (each costs an Argon2id run): per client address, 10 at once and then one
  // every 6 s; over all clients, 20 at once and then 10 a second. Over either: 429.
  RateLimit sign_in_per_address{.burst = 10, .per_second = 1.0 / 6};
  RateLimit sign_in_overall{.burst = 20, .per_second = 10};
};

class Service;

struct Call {
  Store& store;
  const Request& request;
  const Target& target;
  std::span<const std::string> params;  // the {placeholders} of the route, in order
  const Caller& caller;
  MappingOptions mapping;
};

struct Route {
  std::string_view method;
  std::string_view pattern;  // "/api/v1/customers/{id}"
  Role role;
  bool write;
  Step (*handler)(const Service& service, Call& call);
  std::string_view summary;  // for the OpenAPI check and the metrics
  bool open = false;         // no key or session needed (signing in); the handler checks
};

class Service {
 public:
  Service(ServiceOptions options, const Clock& clock);

  // Every route of /api/v1; the OpenAPI document describes exactly these.
  static std::span<const Route> routes();

  // Finds the route, authenticates and authorises, and runs the first step. `route_name`
  // receives the matched pattern (for metrics), or "unmatched".
  Step handle(Store& store, const Request& request, std::string_view* route_name = nullptr) const;

  const ServiceOptions& options() const { return options_; }
  const loyalty::Club& club() const { return *options_.club; }
  // What the application layer's workflows run with, on `store` at `now` (unix seconds).
  app::Context context(Store& store, std::int64_t now) const {
    return app::Context{
        .store = store, .club = club(), .now = now, .import_run = options_.import_run};
  }
  // The periodic job: expired dashboard sessions go and, with a loyalty club, pending points
  // become available, points expire, tiers are reviewed and birthdays earn their bonus. The
  // server runs it through the writer every minute.
  WriteJob maintenance() const;
  Timestamp now() const { return clock_.now(); }

  // Failed sign-ins per user name: after 5 within 15 minutes, more are refused until the window
  // ends (seconds to wait; 0: allowed). In memory: a restart forgets them. At most
  // kMaxSignInNames names are kept (the overall rate limit lets at most 9,000 fail in one
  // window); past that, expired windows go first, then the oldest.
  static constexpr std::size_t kMaxSignInNames = 20'000;
  std::int64_t sign_in_wait(const std::string& name, std::int64_t now) const;
  void sign_in_failed(const std::string& name, std::int64_t now) const;
  void sign_in_succeeded(const std::string& name) const;
  std::size_t sign_in_names() const;
  // One sign-in attempt from `address` now: 0 when allowed, else seconds to wait (429).
  std::int64_t sign_in_attempt(std::string_view address) const;

 private:
  ServiceOptions options_;
  const Clock& clock_;
  struct Failures {
    int count = 0;
    std::int64_t first = 0;
  };
  mutable std::mutex failures_mutex_;
  mutable std::unordered_map<std::string, Failures> failures_;
  mutable RateLimiter sign_in_limiter_;
};

// Wraps a write in the Idempotency-Key protocol: with a key, a stored answer to the same
// request is replayed (header Idempotent-Replayed: true) and a different request under the same
// key gets 422; a 2xx answer is stored with the write, in the same transaction.
WriteJob idempotent(WriteJob job, std::string caller, std::string key, std::string fingerprint,
                    std::int64_t now);

}  // namespace vafa::api
