#include "vafa/api/http.hpp"

#include <cstdio>

namespace vafa::api {

std::string_view status_title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::invalid_fields: return 422;
    case ErrorCode::not_found: return 404;
    case ErrorCode::not_allowed: return 405;
    case ErrorCode::conflict: return 409;
    case ErrorCode::too_large: return 413;
    case ErrorCode::unsupported_format: return 415;
    case ErrorCode::timeout: return 408;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::aborted: return 409;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::permission_denied: return 403;
    case ErrorCode::io:
    case ErrorCode::data_loss:
    case ErrorCode::internal: return 500;
  }
  return 500;
}

namespace {

Reply json_reply(int status, const Json& body) {
  return Reply{.status = status, .body = body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

}  // namespace

Reply ok(const Json& body) { return json_reply(200, body); }

Reply created(const Json& body, std::string location) {
  Reply reply = json_reply(201, body);
  if (!location.empty()) reply.headers.emplace_back("Location", std::move(location));
  return reply;
}

Reply no_content() { return Reply{.status = 204, .content_type = "application/json", .body = {}}; }

Reply ok_body(std::string content_type, std::string body) {
  return Reply{.status = 200, .content_type = std::move(content_type), .body = std::move(body)};
}

Reply problem(const Error& error) {
  int status = status_for(error.code);
  if (status == 413 && error.part == "headers") status = 431;
  Json body = {{"type", "about:blank"}, {"title", status_title(status)}, {"status", status}};
  // Internal details stay in the server's log; the caller learns that it was not their fault.
  if (status == 500) {
    body["detail"] = "the server failed to answer; it has been logged";
  } else {
    body["detail"] = error.message;
  }
  if (!error.fields.empty()) {
    Json list = Json::array();
    for (const FieldError& e : error.fields) {
      list.push_back({{"pointer", e.pointer}, {"detail", e.detail}});
    }
    body["errors"] = std::move(list);
  }
  if (error.line) body["line"] = *error.line;
  if (error.column) body["column"] = *error.column;
  if (error.byte) body["byte"] = *error.byte;
  Reply reply = json_reply(status, body);
  reply.content_type = "application/problem+json";
  if (status == 500) reply.internal_error = error.message;
  if (status == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (status == 405) reply.headers.emplace_back("Allow", error.allowed);
  if (status == 429 || status == 503) {
    reply.headers.emplace_back("Retry-After", std::to_string(error.retry_after.value_or(1)));
  }
  return reply;
}

Result<std::string> percent_decode(std::string_view text, bool query) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
        return fail(ErrorCode::invalid_argument, "malformed percent escape in '{}'", text);
      }
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return fail(ErrorCode::invalid_argument, "NUL in '{}'", text);
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && query) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const std::string* Target::param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

Result<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return fail(ErrorCode::invalid_argument, "the request target must start with '/'");
  }
  for (const char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return fail(ErrorCode::invalid_argument,
                  "the request target holds a byte that must be percent-encoded");
    }
  }

  Target out;
  const std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    const std::size_t slash = path.find('/');
    VAFA_TRY(std::string segment, percent_decode(path.substr(0, slash), false));
    out.segments.push_back(std::move(segment));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  if (!out.segments.empty() && out.segments.back().empty()) out.segments.pop_back();  // "/x/"
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      const std::size_t eq = pair.find('=');
      VAFA_TRY(std::string key, percent_decode(pair.substr(0, eq), true));
      std::string value;
      if (eq != std::string_view::npos) {
        VAFA_TRY(value, percent_decode(pair.substr(eq + 1), true));
      }
      bool replaced = false;
      for (auto& [k, v] : out.query) {
        if (k == key) {
          v = value;
          replaced = true;
        }
      }
      if (!replaced) out.query.emplace_back(std::move(key), std::move(value));
    }
  }
  return out;
}

}  // namespace vafa::api
