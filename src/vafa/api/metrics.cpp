#include "vafa/api/metrics.hpp"

#include <fmt/format.h>

namespace vafa::api {

namespace {

// A label value with backslash, quote and newline escaped.
std::string label(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::observe(std::string_view route, std::string_view method, int status, double seconds) {
  // Found by views (the maps compare transparently): a request allocates nothing once its
  // route has been seen.
  std::lock_guard lock(mutex_);
  auto counted = requests_.find(std::make_tuple(route, method, status));
  if (counted == requests_.end()) {
    counted = requests_.emplace(std::make_tuple(std::string(route), std::string(method), status), 0)
                  .first;
  }
  ++counted->second;
  auto timed = latency_.find(std::make_tuple(route, method));
  if (timed == latency_.end()) {
    timed = latency_.emplace(std::make_tuple(std::string(route), std::string(method)), Histogram{})
                .first;
  }
  Histogram& h = timed->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::connection_opened() {
  std::lock_guard lock(mutex_);
  ++open_connections_;
  ++connections_;
}
void Metrics::connection_closed() {
  std::lock_guard lock(mutex_);
  --open_connections_;
}
void Metrics::connection_refused() {
  std::lock_guard lock(mutex_);
  ++refused_;
}

std::string Metrics::render(const WriterStats& writer, std::size_t queued) const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto add = [&out](std::string_view text) { out += text; };
  add("# HELP vafa_http_requests_total HTTP requests answered, by route, method and status.\n"
      "# TYPE vafa_http_requests_total counter\n");
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    add(fmt::format("vafa_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    label(route), label(method), status, count));
  }
  add("# HELP vafa_http_request_duration_seconds Time from a request read to its answer sent.\n"
      "# TYPE vafa_http_request_duration_seconds histogram\n");
  for (const auto& [key, h] : latency_) {
    const std::string labels =
        fmt::format("route=\"{}\",method=\"{}\"", label(std::get<0>(key)), label(std::get<1>(key)));
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      add(fmt::format("vafa_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                      kBuckets[i], h.buckets[i]));
    }
    add(fmt::format("vafa_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                    h.count));
    add(fmt::format("vafa_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum));
    add(fmt::format("vafa_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count));
  }
  add(fmt::format(
      "# HELP vafa_http_open_connections Connections open now.\n"
      "# TYPE vafa_http_open_connections gauge\nvafa_http_open_connections {}\n"
      "# HELP vafa_http_connections_total Connections accepted.\n"
      "# TYPE vafa_http_connections_total counter\nvafa_http_connections_total {}\n"
      "# HELP vafa_http_connections_refused_total Connections refused at the connection limit.\n"
      "# TYPE vafa_http_connections_refused_total counter\n"
      "vafa_http_connections_refused_total {}\n",
      open_connections_, connections_, refused_));
  add(fmt::format(
      "# HELP vafa_store_write_batches_total Write transactions (each answers a batch of "
      "requests).\n# TYPE vafa_store_write_batches_total counter\n"
      "vafa_store_write_batches_total {}\n"
      "# HELP vafa_store_write_jobs_total Write requests run by the writer.\n"
      "# TYPE vafa_store_write_jobs_total counter\nvafa_store_write_jobs_total {}\n"
      "# HELP vafa_store_failed_commits_total Batches whose commit failed (answered 503).\n"
      "# TYPE vafa_store_failed_commits_total counter\nvafa_store_failed_commits_total {}\n"
      "# HELP vafa_store_commit_seconds_total Time spent committing write batches.\n"
      "# TYPE vafa_store_commit_seconds_total counter\nvafa_store_commit_seconds_total {}\n"
      "# HELP vafa_store_batch_seconds_total Time spent in write batches, commit included.\n"
      "# TYPE vafa_store_batch_seconds_total counter\nvafa_store_batch_seconds_total {}\n"
      "# HELP vafa_store_write_queue Write requests waiting for the writer.\n"
      "# TYPE vafa_store_write_queue gauge\nvafa_store_write_queue {}\n",
      writer.batches, writer.jobs, writer.failed_commits, writer.commit_seconds,
      writer.batch_seconds, queued));
  add(fmt::format(
      "# HELP vafa_store_log_bytes Size of the write-ahead log after the last commit.\n"
      "# TYPE vafa_store_log_bytes gauge\nvafa_store_log_bytes {}\n"
      "# HELP vafa_store_log_restarts_total Restart checkpoints that let the log begin again.\n"
      "# TYPE vafa_store_log_restarts_total counter\nvafa_store_log_restarts_total {}\n"
      "# HELP vafa_store_log_restarts_busy_total Restart checkpoints that readers held up.\n"
      "# TYPE vafa_store_log_restarts_busy_total counter\nvafa_store_log_restarts_busy_total {}\n"
      "# HELP vafa_store_log_restart_seconds_total Time the writer spent in them.\n"
      "# TYPE vafa_store_log_restart_seconds_total counter\n"
      "vafa_store_log_restart_seconds_total {}\n",
      writer.log_bytes, writer.log_restarts, writer.log_restarts_busy, writer.log_restart_seconds));
  return out;
}

}  // namespace vafa::api
