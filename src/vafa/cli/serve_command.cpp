// vafa serve [--listen HOST:PORT] [--threads N] ...: the HTTP API (docs/api.md).
#include <charconv>
#include <cstdio>

#include <fmt/core.h>

#include "vafa/api/server.hpp"
#include "vafa/cli/command.hpp"
#include "vafa/core/clock.hpp"

namespace vafa::cli {

namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 2;
  std::size_t body_limit = 1 << 20;
  std::size_t max_connections = 1024;
  double request_timeout = 10;
  double idle_timeout = 60;
  std::string calling_code;
  std::string config;
  bool secure_cookies = false;
  double session_hours = 8;
};

Result<std::pair<std::string, unsigned short>> parse_listen(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail(ErrorCode::invalid_argument, "--listen: give HOST:PORT, e.g. 127.0.0.1:8080");
  }
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:8080
  }
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return fail(ErrorCode::invalid_argument, "--listen: '{}' is not a port (0-65535)", port_text);
  }
  return std::pair{host, static_cast<unsigned short>(port)};
}

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

int run_serve(const ServeFlags& f, const Context& context) {
  auto listen = parse_listen(f.listen);
  if (!listen) return report(listen.error());
  if (f.calling_code.find_first_not_of("0123456789") != std::string::npos ||
      f.calling_code.size() > 4) {
    return report(Error{ErrorCode::invalid_argument,
                        "--calling-code: give the digits of a country calling code, e.g. 98"});
  }
  auto club = std::make_shared<const loyalty::Club>(loyalty::Config{});
  if (!f.config.empty()) {
    auto config = loyalty::load_config(f.config);
    if (!config) return report(config.error());
    club = std::make_shared<const loyalty::Club>(std::move(*config));
  }
  auto store = context.open_store();
  if (!store) return report(store.error());
  const SystemClock clock;
  // API orders are written under one import run per server start.
  auto run = (*store)->start_import("api", "http", clock.now());
  if (!run) return report(run.error());
  // Idempotency keys are honoured for at least a day.
  if (auto forgotten = (*store)->forget_stored_replies(unix_seconds(clock.now()) - 2 * 86'400);
      !forgotten) {
    return report(forgotten.error());
  }
  const api::Service service(
      api::ServiceOptions{.calling_code = f.calling_code,
                          .import_run = *run,
                          .club = club,
                          .session_seconds = static_cast<std::int64_t>(f.session_hours * 3600),
                          .secure_cookies = f.secure_cookies},
      clock);
  api::ServerOptions options{.address = listen->first,
                             .port = listen->second,
                             .threads = f.threads,
                             .body_limit = f.body_limit,
                             .max_connections = f.max_connections,
                             .request_timeout = millis(f.request_timeout),
                             .idle_timeout = millis(f.idle_timeout)};
  const std::string location = context.db;
  auto server = api::Server::create(options, service, [&location] { return open_store(location); });
  if (!server) return report(server.error());
  const std::string host =
      listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
  fmt::print(
      "vafa serve: listening on http://{}:{} ({}, loyalty club {}); stop with Ctrl-C or "
      "SIGTERM\n",
      host, (*server)->port(), (*store)->describe(), club->config().enabled ? "on" : "off");
  std::fflush(stdout);
  (*server)->run(/*signals=*/true);
  server->reset();
  const Status finished =
      (*store)->finish_import(*run, ImportCounts{}, ImportStatus::completed, clock.now());
  if (!finished) return report(finished.error());
  fmt::print("vafa serve: stopped\n");
  return kOk;
}

}  // namespace

void add_serve_command(CLI::App& app, const Context& context, Runner& runner) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the HTTP API (docs/api.md)");
  cmd->add_option("--listen", f->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--threads", f->threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--body-limit", f->body_limit, "Largest request body in bytes (413 above)")
      ->check(CLI::Range(1024, 64 << 20))
      ->capture_default_str();
  cmd->add_option("--max-connections", f->max_connections,
                  "Open connections at most (503 to the ones over it)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  cmd->add_option("--request-timeout", f->request_timeout,
                  "Seconds to read a request once it has begun (408 after)")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_option("--idle-timeout", f->idle_timeout,
                  "Seconds a kept-alive connection may wait for its next request")
      ->check(CLI::Range(0.1, 86'400.0))
      ->capture_default_str();
  cmd->add_flag("--secure-cookies", f->secure_cookies,
                "Mark the dashboard's session cookie Secure (when users reach vafa over HTTPS, "
                "e.g. through a TLS proxy)");
  cmd->add_option("--session-hours", f->session_hours, "How long a dashboard sign-in lasts")
      ->check(CLI::Range(0.1, 720.0))
      ->capture_default_str();
  cmd->add_option("--calling-code", f->calling_code,
                  "Country calling code for phone numbers without one (98 for Iran, 374 for "
                  "Armenia)");
  cmd->add_option("--config", f->config,
                  "vafa.toml with the loyalty club's settings (docs/loyalty.md); without it the "
                  "club is off")
      ->check(CLI::ExistingFile);
  cmd->callback(
      [f, &context, &runner] { runner = [f, &context] { return run_serve(*f, context); }; });
}

}  // namespace vafa::cli
