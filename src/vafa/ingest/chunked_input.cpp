#include "vafa/ingest/chunked_input.hpp"

#include <cerrno>
#include <cstring>

namespace vafa::ingest {

Result<ChunkedInput> ChunkedInput::open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return fail(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io, "cannot open '{}': {}",
                path, std::strerror(errno));
  }
  ChunkedInput input;
  input.file_.reset(file);
  return input;
}

ChunkedInput ChunkedInput::from_string(std::string text) {
  ChunkedInput input;
  input.buffer = std::move(text);
  input.end = input.buffer.size();
  input.eof = true;
  return input;
}

Result<bool> ChunkedInput::fill() {
  if (eof) return false;
  if (pos > 0) {
    std::memmove(buffer.data(), buffer.data() + pos, end - pos);
    consumed_base_ += static_cast<std::int64_t>(pos);
    end -= pos;
    pos = 0;
  }
  if (buffer.size() < end + kChunk) buffer.resize(end + kChunk);
  const std::size_t got = std::fread(buffer.data() + end, 1, kChunk, file_.get());
  if (got == 0) {
    if (std::ferror(file_.get()) != 0) {
      return fail(ErrorCode::io, "read error: {}", std::strerror(errno));
    }
    eof = true;
    return false;
  }
  end += got;
  return true;
}

}  // namespace vafa::ingest
