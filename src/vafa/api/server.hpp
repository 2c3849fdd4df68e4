// `vafa serve`: HTTP/1.1 on Boost.Beast/Asio (docs/api.md). A few I/O threads, each with its
// own read connection to the store, answer reads in place; writes go to the one Writer (group
// commit). Keep-alive with an idle timeout, a deadline for reading each request (and for a new
// connection's first byte), a body limit (413), a connection limit (503 to the ones over it,
// with a reserve that still answers /healthz and /metrics), and a graceful stop: no new
// connections, idle ones closed, requests in flight finished and answered, the writer drained, the
// store closed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "vafa/api/service.hpp"
#include "vafa/core/log.hpp"

namespace vafa::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see Server::port)
  std::size_t threads = 2;
  std::size_t body_limit = 1 << 20;
  std::size_t max_connections = 1024;
  // Connections past max_connections that are still served /healthz and /metrics (others get
  // 503); past both, a connection gets 503 at once.
  std::size_t reserve_connections = 32;
  std::chrono::milliseconds request_timeout{10'000};  // to read a request once it has begun
  std::chrono::milliseconds idle_timeout{60'000};     // between requests on a kept-alive connection
  std::chrono::milliseconds shutdown_grace{10'000};   // then connections still open are cut
  std::size_t max_batch = 512;                        // write requests per transaction
  std::chrono::milliseconds maintenance_interval{60'000};  // pending points, expiry
  // Where the server and its writer log (internal errors, failed maintenance, checkpoints).
  LoggerPtr logger = stderr_logger("vafa serve");
};

using StoreFactory = std::function<Result<std::unique_ptr<Store>>()>;

class Server {
 public:
  // Opens the stores (one per thread and the writer's) and binds; nothing is served until run().
  static Result<std::unique_ptr<Server>> create(ServerOptions options, const Service& service,
                                                const StoreFactory& open_store);
  ~Server();

  unsigned short port() const;
  // Serves until stop() (or SIGINT/SIGTERM when `signals`); returns after the graceful stop.
  void run(bool signals);
  // Thread-safe; may be called from a signal handler's context via run(true) or any thread.
  void stop();

  struct Impl;  // opaque; public only so the connections in server.cpp can name it

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3 document served at /api/v1/openapi.json.
std::string_view openapi_document();

}  // namespace vafa::api
