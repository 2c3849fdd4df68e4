#include "vafa/core/error.hpp"

namespace vafa {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid argument";
    case ErrorCode::invalid_fields: return "invalid fields";
    case ErrorCode::not_found: return "not found";
    case ErrorCode::not_allowed: return "not allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::too_large: return "too large";
    case ErrorCode::unsupported_format: return "unsupported format";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::rate_limited: return "rate limited";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::io: return "i/o error";
    case ErrorCode::data_loss: return "data loss";
    case ErrorCode::aborted: return "aborted";
    case ErrorCode::internal: return "internal error";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::permission_denied: return "permission denied";
  }
  return "unknown error";
}

Error field_errors(FieldErrors fields) {
  Error error{.code = ErrorCode::invalid_fields};
  error.message = fields.size() == 1
                      ? fmt::format("{}: {}", fields.front().pointer, fields.front().detail)
                      : fmt::format("{} fields are invalid", fields.size());
  error.fields = std::move(fields);
  return error;
}

}  // namespace vafa
