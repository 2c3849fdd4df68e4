// libFuzzer target for what the HTTP API does with untrusted bytes before any store is
// touched: Beast's request parser with the server's limits, the target and query decoder, the
// JSON body parser and every JSON -> domain mapping. An input is a raw HTTP request; its target
// and body are also fed to the mappings directly so the fuzzer need not first learn HTTP.
// Build and run: scripts/fuzz [SECONDS] (clang 16, see the script).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "vafa/api/http.hpp"
#include "vafa/api/json_mapping.hpp"

namespace {

namespace http = boost::beast::http;
using namespace vafa;
using namespace vafa::api;

void check(bool ok) {
  if (!ok) std::abort();
}

// Every field error points into the body (RFC 6901: "" or "/...").
template <typename T>
void check_errors(const Mapped<T>& mapped) {
  if (mapped) return;
  check(!mapped.error().empty());
  for (const FieldError& e : mapped.error()) {
    check(e.pointer.empty() || e.pointer.front() == '/');
    check(!e.detail.empty());
  }
}

void map_body(std::string_view target, std::string body) {
  if (auto parsed = parse_target(target)) {
    for (const auto& segment : parsed->segments) check(segment.find('\0') == std::string::npos);
    check_errors(identity_from_query(*parsed, MappingOptions{.calling_code = "374"}));
  }
  const Request request{.method = "POST",
                        .target = std::string(target),
                        .content_type = "application/json",
                        .body = std::move(body)};
  auto json = parse_json_body(request);
  if (!json) {
    check(json.error().code == ErrorCode::invalid_argument);
    return;
  }
  const MappingOptions options{.calling_code = "98"};
  const auto customer = customer_from_json(*json, options);
  check_errors(customer);
  if (customer) (void)to_json(*customer).dump();
  check_errors(customer_from_json(*json, options, "c1"));
  const auto order = order_from_json(*json, options);
  check_errors(order);
  if (order) {
    check(!order->lines.empty());
    for (const OrderLine& line : order->lines) check(line.quantity > 0 && line.amount_minor >= 0);
    (void)to_json(*order).dump();
  }
  check_errors(event_from_json(*json, options));
  check_errors(return_from_json(*json, options));
  check_errors(reward_from_json(*json, nullptr));
  const Reward base{.code = "r", .name = "r", .cost = 1};
  check_errors(reward_from_json(*json, &base));
  const auto affiliate = affiliate_from_json(*json, nullptr);
  check_errors(affiliate);
  if (affiliate) check(affiliate->rate_bp >= 0 && affiliate->rate_bp <= 10'000);
  const Affiliate partner{.code = "a", .name = "a", .rate_bp = 100};
  check_errors(affiliate_from_json(*json, &partner));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // As the server parses it.
  http::request_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  parser.header_limit(16 * 1024);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < input.size() && !parser.is_done()) {
    const std::size_t n =
        parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec || n == 0) break;
    used += n;
  }
  if (!ec && parser.is_done()) {
    auto message = parser.release();
    map_body(std::string(message.target()), std::move(message.body()));
  }
  // Directly: the first line is the target, the rest the body.
  const std::size_t newline = input.find('\n');
  map_body(input.substr(0, newline), newline == std::string_view::npos
                                         ? std::string()
                                         : std::string(input.substr(newline + 1)));
  return 0;
}
