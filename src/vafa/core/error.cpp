#include "vafa/core/error.hpp"

namespace vafa {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid argument";
    case ErrorCode::not_found: return "not found";
    case ErrorCode::conflict: return "conflict";
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

}  // namespace vafa
