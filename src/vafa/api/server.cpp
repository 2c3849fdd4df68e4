#include "vafa/api/server.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <sys/resource.h>

#include "vafa/api/beast.hpp"
#include "vafa/api/metrics.hpp"
#include "vafa/api/web_assets.hpp"
#include "vafa/api/writer.hpp"

namespace vafa::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// The read connection of the I/O thread running a handler.
thread_local Store* t_read_store = nullptr;

// A handler that throws (a library's exception that escaped a layer) answers 500 instead of
// ending the server's thread; the exception is logged.
template <typename F>
Step guarded(F&& handle) {
  try {
    return handle();
  } catch (const std::exception& e) {
    return problem(Error{ErrorCode::internal, fmt::format("uncaught exception: {}", e.what())});
  }
}

constexpr std::size_t kHeaderLimit = 16 * 1024;

}  // namespace

class Session;

struct Server::Impl {
  ServerOptions options;
  const Service& service;
  asio::io_context ioc;
  // The acceptor, the signals and the timers are touched only through this strand: an accept
  // completing on one thread must not race a stop closing the acceptor on another.
  asio::strand<asio::io_context::executor_type> control = asio::make_strand(ioc);
  tcp::acceptor acceptor{control};
  std::vector<std::unique_ptr<Store>> read_stores;
  std::unique_ptr<Writer> writer;
  // Slow reads (service.hpp) run here, one at a time, on a connection of their own; a few may
  // wait, more are refused with 503 rather than queued without end.
  asio::thread_pool slow_pool{1};
  std::unique_ptr<Store> slow_store;
  std::atomic<int> slow_pending{0};
  static constexpr int kSlowQueue = 4;
  // Password checks (Argon2id, 64 MiB each) run on a pool of their own, one at a time: at most
  // kPasswordQueue wait, more get 503 (the sign-in rate limits keep a flood from getting here).
  asio::thread_pool password_pool{1};
  std::atomic<int> password_pending{0};
  static constexpr int kPasswordQueue = 8;
  Metrics metrics;
  unsigned short port = 0;  // as bound (the acceptor closes when stopping)
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::optional<asio::signal_set> signals;
  asio::steady_timer grace{control};
  asio::steady_timer maintenance{control};
  asio::steady_timer accept_pause{control};

  Impl(ServerOptions o, const Service& s) : options(std::move(o)), service(s) {}
  void accept();
  void begin_stop();
  void maintain();
  Reply builtin(const Request& request, bool& handled);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // A reserved connection (one over max_connections, within the reserve) is served only
  // /healthz and /metrics, so an operator can still see a server whose connections are full.
  Session(tcp::socket socket, Server::Impl& server, bool reserved)
      : stream_(std::move(socket)),
        server_(server),
        deadline_(stream_.get_executor()),
        reserved_(reserved) {
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
  }

  ~Session() {
    std::lock_guard lock(server_.sessions_mutex);
    server_.sessions.erase(this);
    server_.open.fetch_sub(1);
    server_.metrics.connection_closed();
    if (server_.stopping && server_.sessions.empty()) {
      // The last connection is gone: the grace timer need not hold the threads any longer.
      asio::post(server_.control, [&server = server_] { server.grace.cancel(); });
    }
  }

  void start() {
    {
      std::lock_guard lock(server_.sessions_mutex);
      server_.sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(),
                   [self = shared_from_this()] { self->wait_for_request(); });
  }

  // Refuses the connection with 503 (over the connection limit) and closes it.
  void refuse() {
    auto self = shared_from_this();
    asio::dispatch(stream_.get_executor(), [self] {
      self->keep_alive_ = false;
      self->send(problem(ErrorCode::unavailable, "too many connections; retry shortly"), "refused",
                 "-", SteadyClock::now());
    });
  }

  // Graceful stop: an idle connection closes now; a busy one finishes its request first.
  void stop() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.close();
      }
    });
  }

  void cut() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->stream_.close(); });
  }

 private:
  void wait_for_request() {
    if (server_.stopping) return close();
    if (buffer_.size() > 0) return read_request();  // a pipelined request is already here
    idle_ = true;
    // A new connection must begin its request within the request timeout, as must every
    // connection while more than half of the connections are taken; a kept-alive one between
    // requests otherwise waits the idle timeout.
    const bool short_wait =
        !served_ || reserved_ || server_.open.load() > server_.options.max_connections / 2;
    stream_.expires_after(
        short_wait ? std::min(server_.options.request_timeout, server_.options.idle_timeout)
                   : server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              if (ec)
                                return self->close();  // idle timeout, peer closed, or stopping
                              self->buffer_.commit(n);
                              self->read_request();
                            });
  }

  // The request's deadline is a timer of its own, not the stream's expiry (which would close
  // the socket): a client too slow to send its request still gets its 408.
  void read_request() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(kHeaderLimit);
    stream_.expires_never();
    timed_out_ = false;
    deadline_.expires_after(server_.options.request_timeout);
    deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // cancelled: the request arrived in time
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->deadline_.cancel();
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    const auto started = SteadyClock::now();
    if (ec == asio::error::operation_aborted && timed_out_) {
      keep_alive_ = false;
      return send(problem(ErrorCode::timeout, "the request was not received in time"), "invalid",
                  "-", started);
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec) {
      keep_alive_ = false;
      if (ec == http::error::body_limit) {
        return send(problem(ErrorCode::too_large, "the body is larger than {} bytes",
                            server_.options.body_limit),
                    "invalid", "-", started);
      }
      if (ec == http::error::header_limit) {
        Error error{ErrorCode::too_large, "the request's headers are too large"};
        error.part = "headers";
        return send(problem(error), "invalid", "-", started);
      }
      return send(problem(ErrorCode::invalid_argument, "malformed HTTP request: {}", ec.message()),
                  "invalid", "-", started);
    }
    auto message = parser_->release();
    keep_alive_ = message.keep_alive() && !server_.stopping;
    Request request{.method = std::string(message.method_string()),
                    .target = std::string(message.target()),
                    .authorization = std::string(message[http::field::authorization]),
                    .idempotency_key = std::string(message["Idempotency-Key"]),
                    .idempotency_key_sent = message.find("Idempotency-Key") != message.end(),
                    .content_type = std::string(message[http::field::content_type]),
                    .body = std::move(message.body()),
                    .cookie = std::string(message[http::field::cookie]),
                    .csrf_token = std::string(message["X-CSRF-Token"]),
                    .remote = remote_};
    served_ = true;
    bool handled = false;
    Reply builtin = server_.builtin(request, handled);
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (reserved_ && !(handled && (path == "/healthz" || path == "/metrics"))) {
      keep_alive_ = false;
      return send(problem(ErrorCode::unavailable, "too many connections; retry shortly"), "refused",
                  "-", started);
    }
    if (handled) return send(std::move(builtin), path, request.method, started);
    std::string_view route;
    Step step = guarded([&] { return server_.service.handle(*t_read_store, request, &route); });
    proceed(std::move(step), std::string(route), request.method, started);
  }

  // What a first step gave, carried on: an answer is sent; a write goes to the writer, which
  // answers after its batch commits; a slow read or a password check goes to its pool, then on.
  // Called on the connection's strand or on a pool's thread; work guards keep the I/O threads
  // running until the answer is posted back, even while stopping.
  void proceed(Step step, std::string route, std::string method, SteadyClock::time_point started) {
    if (Reply* reply = std::get_if<Reply>(&step)) {
      return asio::dispatch(
          stream_.get_executor(),
          [self = shared_from_this(), reply = std::move(*reply), route = std::move(route),
           method = std::move(method),
           started]() mutable { self->send(std::move(reply), route, method, started); });
    }
    if (SlowRead* read = std::get_if<SlowRead>(&step)) {
      return offload(
          server_.slow_pool, server_.slow_pending, Server::Impl::kSlowQueue,
          "too many long counts are running; try again in a moment",
          [read = std::move(*read), &store = *server_.slow_store]() -> Step {
            return run_slow_read(read, store);
          },
          std::move(route), std::move(method), started);
    }
    if (PasswordCheck* check = std::get_if<PasswordCheck>(&step)) {
      return offload(
          server_.password_pool, server_.password_pending, Server::Impl::kPasswordQueue,
          "too many sign-ins are being checked; try again",
          [check = std::move(*check)]() -> Step {
            return std::visit([](auto&& then) -> Step { return std::move(then); },
                              run_password_check(check));
          },
          std::move(route), std::move(method), started);
    }
    auto work = asio::make_work_guard(stream_.get_executor());
    server_.writer->submit(
        std::move(std::get<WriteJob>(step)),
        [self = shared_from_this(), work = std::move(work), route = std::move(route),
         method = std::move(method), started](Reply reply) mutable {
          asio::post(
              self->stream_.get_executor(),
              [self, reply = std::move(reply), route = std::move(route), method = std::move(method),
               started]() mutable { self->send(std::move(reply), route, method, started); });
          work.reset();
        });
  }

  // Runs `task` on `pool` unless `limit` tasks are already waiting there (then 503).
  template <typename Task>
  void offload(asio::thread_pool& pool, std::atomic<int>& pending, int limit,
               std::string_view busy_detail, Task task, std::string route, std::string method,
               SteadyClock::time_point started) {
    if (pending.fetch_add(1) >= limit) {
      pending.fetch_sub(1);
      Error busy{ErrorCode::unavailable, std::string(busy_detail)};
      busy.retry_after = 2;
      return send(problem(busy), route, method, started);
    }
    auto work = asio::make_work_guard(stream_.get_executor());
    asio::post(pool,
               [self = shared_from_this(), work = std::move(work), &pending, task = std::move(task),
                route = std::move(route), method = std::move(method), started]() mutable {
                 Step next = task();
                 pending.fetch_sub(1);
                 self->proceed(std::move(next), std::move(route), std::move(method), started);
                 work.reset();
               });
  }

  void send(Reply reply, std::string_view route, std::string_view method,
            SteadyClock::time_point started) {
    if (server_.stopping) keep_alive_ = false;
    if (!reply.internal_error.empty()) {
      server_.options.logger->error("internal error answering {} {}: {}", method, route,
                                    reply.internal_error);
    }
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(reply.status), 11);
    if (reply.status >= 400) {  // the problem document's title is the status line's reason
      const std::string_view title = status_title(reply.status);
      response->reason(beast::string_view(title.data(), title.size()));
    }
    response->set(http::field::server, "vafa");
    response->set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) response->set(name, value);
    response->keep_alive(keep_alive_);
    // A HEAD answer has the headers of the GET (its length too) and no body.
    const bool head = method == "HEAD";
    const std::size_t length = reply.body.size();
    if (!head) response->body() = std::move(reply.body);
    response->prepare_payload();
    if (head) response->content_length(length);
    server_.metrics.observe(route, method, reply.status,
                            std::chrono::duration<double>(SteadyClock::now() - started).count());
    stream_.expires_after(server_.options.request_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) return self->close();
                        self->wait_for_request();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  asio::steady_timer deadline_;
  bool keep_alive_ = true;
  bool idle_ = false;
  bool timed_out_ = false;
  bool reserved_ = false;
  bool served_ = false;  // a request has been read on this connection
  std::string remote_;
};

namespace {

// The built-in resources are read-only: 405 for any method but GET and HEAD.
std::optional<Reply> refuse_unless_get(const Request& request) {
  if (request.method == "GET" || request.method == "HEAD") return std::nullopt;
  Error error{ErrorCode::not_allowed,
              fmt::format("{} is not allowed here; use GET", request.method)};
  error.allowed = "GET, HEAD";
  return problem(error);
}

// The dashboard's files (web_assets.hpp): "/" is its page; Vite's hashed files under /assets/
// never change, so browsers may keep them; the page itself is asked for every time.
std::optional<Reply> dashboard_file(const Request& request, std::string_view path) {
  const std::optional<WebAsset> asset = web_asset(path == "/" ? "/index.html" : path);
  if (!asset || asset->path == "report.html") return std::nullopt;
  if (auto refused = refuse_unless_get(request)) return refused;
  Reply reply = ok_body(std::string(asset->content_type), std::string(asset->body));
  const bool hashed = path.starts_with("/assets/");
  reply.headers.emplace_back("Cache-Control",
                             hashed ? "public, max-age=31536000, immutable" : "no-store");
  reply.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
                             "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
                             "base-uri 'none'; form-action 'self'");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  return reply;
}

}  // namespace

Reply Server::Impl::builtin(const Request& request, bool& handled) {
  handled = true;
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (path == "/healthz" || path == "/metrics" || path == "/api/v1/openapi.json") {
    if (auto refused = refuse_unless_get(request)) return std::move(*refused);
    if (path == "/healthz") {
      return ok({{"status", stopping ? "stopping" : "ok"}});
    }
    if (path == "/metrics") {
      return ok_body("text/plain; version=0.0.4; charset=utf-8",
                     metrics.render(writer->stats(), writer->queued()));
    }
    return ok_body("application/json", std::string(openapi_document()));
  }
  if (!path.starts_with("/api/")) {
    if (auto page = dashboard_file(request, path)) return std::move(*page);
  }
  handled = false;
  return {};
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor.is_open()) return;  // stopping
      // E.g. out of file descriptors: the connection waits in the backlog, and accepting again
      // at once would only fail again, so pause a moment.
      accept_pause.expires_after(std::chrono::milliseconds(50));
      return accept_pause.async_wait([this](beast::error_code) { accept(); });
    }
    const std::size_t now_open = open.fetch_add(1) + 1;
    metrics.connection_opened();
    const bool reserved = now_open > options.max_connections;
    auto session = std::make_shared<Session>(std::move(socket), *this, reserved);
    if (now_open > options.max_connections + options.reserve_connections) {
      metrics.connection_refused();
      session->refuse();
    } else {
      session->start();
    }
    accept();
  });
}

// Runs the service's periodic job through the writer now and every maintenance_interval.
void Server::Impl::maintain() {
  if (stopping) return;
  writer->submit(service.maintenance(), [this](Reply reply) {
    if (reply.status >= 500) {
      options.logger->error("maintenance failed: {}",
                            reply.internal_error.empty() ? reply.body : reply.internal_error);
    }
  });
  maintenance.expires_after(options.maintenance_interval);
  maintenance.async_wait([this](beast::error_code ec) {
    if (!ec) maintain();
  });
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  beast::error_code ignored;
  maintenance.cancel();
  acceptor.close(ignored);
  if (signals) signals->cancel(ignored);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->stop();
  if (live.empty()) return;
  grace.expires_after(options.shutdown_grace);
  grace.async_wait([this](beast::error_code ec) {
    if (ec) return;
    std::vector<std::shared_ptr<Session>> left;
    {
      std::lock_guard lock(sessions_mutex);
      for (auto& [raw, weak] : sessions) {
        if (auto s = weak.lock()) left.push_back(std::move(s));
      }
    }
    for (auto& s : left) s->cut();
  });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_ && impl_->writer) impl_->writer->stop();
}

Result<std::unique_ptr<Server>> Server::create(ServerOptions options, const Service& service,
                                               const StoreFactory& open_store) {
  if (options.threads == 0) return fail(ErrorCode::invalid_argument, "threads must be at least 1");
  // Every connection is a file descriptor: raise the soft limit (1,024 by default on Debian)
  // towards the hard one so that the connections allowed, the store's files and the log fit.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0) {
    const rlim_t wanted = options.max_connections + options.reserve_connections + 256;
    if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < wanted) {
      files.rlim_cur = files.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, files.rlim_max);
      setrlimit(RLIMIT_NOFILE, &files);
    }
  }
  auto impl = std::make_unique<Impl>(std::move(options), service);
  for (std::size_t i = 0; i < impl->options.threads; ++i) {
    VAFA_TRY(auto store, open_store());
    impl->read_stores.push_back(std::move(store));
  }
  VAFA_TRY(impl->slow_store, open_store());
  VAFA_TRY(auto writer_store, open_store());
  VAFA_TRY(auto checkpointer, open_store());
  impl->writer = std::make_unique<Writer>(std::move(writer_store), impl->options.max_batch,
                                          std::move(checkpointer), std::chrono::milliseconds(100),
                                          Writer::kDefaultLogLimit, impl->options.logger);
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl->options.address, ec);
  if (ec) {
    return fail(ErrorCode::invalid_argument, "'{}' is not an IP address", impl->options.address);
  }
  const tcp::endpoint endpoint(address, impl->options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ErrorCode::unavailable, "cannot listen on {}:{}: {}", impl->options.address,
                impl->options.port, ec.message());
  }
  impl->port = impl->acceptor.local_endpoint(ec).port();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

unsigned short Server::port() const { return impl_->port; }

void Server::run(bool signals) {
  Impl& s = *impl_;
  if (signals) {
    s.signals.emplace(s.control, SIGINT, SIGTERM);
    s.signals->async_wait([&s](beast::error_code ec, int) {
      if (!ec) s.begin_stop();
    });
  }
  s.accept();
  asio::post(s.control, [&s] { s.maintain(); });
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < s.options.threads; ++i) {
    threads.emplace_back([&s, i] {
      t_read_store = s.read_stores[i].get();
      s.ioc.run();
      t_read_store = nullptr;
    });
  }
  for (auto& t : threads) t.join();
  s.slow_pool.join();
  s.password_pool.join();
  s.writer->stop();
  s.read_stores.clear();
}

void Server::stop() {
  asio::post(impl_->control, [impl = impl_.get()] { impl->begin_stop(); });
}

}  // namespace vafa::api
