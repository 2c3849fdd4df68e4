#include "vafa/ingest/ndjson_reader.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

#include "vafa/core/text.hpp"
#include "vafa/ingest/chunked_input.hpp"

namespace vafa::ingest {

namespace {

constexpr std::size_t kRawKeep = 256;

}  // namespace

std::string_view NdjsonRecord::get(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return v;
  }
  return {};
}

bool NdjsonRecord::has(std::string_view key) const {
  return std::any_of(members.begin(), members.end(), [&](const auto& m) { return m.first == key; });
}

struct NdjsonReader::Impl {
  ChunkedInput input;
  std::size_t max_record_bytes = 0;
  std::int64_t line = 1;
  std::string json;  // the current line, with simdjson's padding
  std::string raw_copy;
  std::string values;  // storage for converted member values
  std::vector<std::pair<std::size_t, std::size_t>> key_spans, value_spans;
  // On demand: nested values are skipped and kept as raw text without recursion; what they hold
  // (an event's properties) is checked, with the depth bound of core/json.hpp, by the importer.
  simdjson::ondemand::parser parser;

  // Parses `text` (one line) into key/value spans of `values`; returns an error message or "".
  std::string parse(std::string_view text) {
    key_spans.clear();
    value_spans.clear();
    values.clear();
    json.assign(text);
    json.resize(text.size() + simdjson::SIMDJSON_PADDING);
    simdjson::ondemand::document doc;
    if (auto error = parser.iterate(json.data(), text.size(), json.size()).get(doc)) {
      return simdjson::error_message(error);
    }
    simdjson::ondemand::object object;
    if (auto error = doc.get_object().get(object)) {
      return error == simdjson::INCORRECT_TYPE ? "not a JSON object"
                                               : simdjson::error_message(error);
    }
    for (auto field : object) {
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) return simdjson::error_message(error);
      for (const auto& [at, size] : key_spans) {
        if (std::string_view(values).substr(at, size) == key) {
          return fmt::format("the key \"{}\" appears twice", key);
        }
      }
      const std::size_t key_at = values.size();
      values.append(key);
      key_spans.emplace_back(key_at, key.size());
      simdjson::ondemand::value value = field.value();
      simdjson::ondemand::json_type type;
      if (auto error = value.type().get(type)) return simdjson::error_message(error);
      std::string_view text_value;
      switch (type) {
        case simdjson::ondemand::json_type::string:
          if (auto error = value.get_string().get(text_value)) {
            return simdjson::error_message(error);
          }
          break;
        case simdjson::ondemand::json_type::number:
        case simdjson::ondemand::json_type::boolean:
          text_value = trim(value.raw_json_token());
          if (type == simdjson::ondemand::json_type::boolean && text_value != "true" &&
              text_value != "false") {
            return "invalid boolean";
          }
          break;
        case simdjson::ondemand::json_type::null:
          if (!value.is_null()) return "invalid null";
          key_spans.pop_back();
          values.resize(key_at);
          continue;
        case simdjson::ondemand::json_type::object: {
          simdjson::ondemand::object nested;
          if (auto error = value.get_object().get(nested)) return simdjson::error_message(error);
          if (auto error = nested.raw_json().get(text_value)) return simdjson::error_message(error);
          break;
        }
        case simdjson::ondemand::json_type::array: {
          simdjson::ondemand::array nested;
          if (auto error = value.get_array().get(nested)) return simdjson::error_message(error);
          if (auto error = nested.raw_json().get(text_value)) return simdjson::error_message(error);
          break;
        }
      }
      const std::size_t value_at = values.size();
      values.append(trim(text_value));
      value_spans.emplace_back(value_at, trim(text_value).size());
    }
    // At the end of the document, current_location() reports OUT_OF_BOUNDS.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
      return "trailing content after the JSON object";
    }
    return {};
  }
};

NdjsonReader::NdjsonReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NdjsonReader::NdjsonReader(NdjsonReader&&) noexcept = default;
NdjsonReader& NdjsonReader::operator=(NdjsonReader&&) noexcept = default;
NdjsonReader::~NdjsonReader() = default;

Result<NdjsonReader> NdjsonReader::open(const std::string& path, std::size_t max_record_bytes) {
  auto impl = std::make_unique<Impl>();
  VAFA_TRY(impl->input, ChunkedInput::open(path));
  impl->max_record_bytes = max_record_bytes;
  return NdjsonReader(std::move(impl));
}

NdjsonReader NdjsonReader::from_string(std::string text, std::size_t max_record_bytes) {
  auto impl = std::make_unique<Impl>();
  impl->input = ChunkedInput::from_string(std::move(text));
  impl->max_record_bytes = max_record_bytes;
  return NdjsonReader(std::move(impl));
}

std::int64_t NdjsonReader::bytes_consumed() const { return impl_->input.bytes_consumed(); }

Result<bool> NdjsonReader::next(NdjsonRecord& record) {
  Impl& in = *impl_;
  ChunkedInput& input = in.input;
  record.members.clear();
  record.error.clear();
  record.raw = {};
  while (true) {
    const void* nl = std::memchr(input.buffer.data() + input.pos, '\n', input.end - input.pos);
    if (nl == nullptr && input.end - input.pos > in.max_record_bytes) {
      record.line = in.line;
      in.raw_copy.assign(input.buffer.data() + input.pos,
                         std::min(kRawKeep, input.end - input.pos));
      record.raw = in.raw_copy;
      record.error = fmt::format("record is longer than {} bytes", in.max_record_bytes);
      while (true) {  // skip to the next line
        input.pos = input.end;
        VAFA_TRY(const bool more, input.fill());
        nl = std::memchr(input.buffer.data() + input.pos, '\n', input.end - input.pos);
        if (nl != nullptr) {
          input.pos =
              static_cast<std::size_t>(static_cast<const char*>(nl) - input.buffer.data()) + 1;
          ++in.line;
          break;
        }
        if (!more) break;
      }
      return true;
    }
    if (nl == nullptr && !input.eof) {
      VAFA_TRY(const bool more, input.fill());
      (void)more;
      continue;
    }
    const std::size_t stop =
        nl == nullptr
            ? input.end
            : static_cast<std::size_t>(static_cast<const char*>(nl) - input.buffer.data());
    std::string_view text(input.buffer.data() + input.pos, stop - input.pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    const std::int64_t line = in.line;
    input.pos = nl == nullptr ? input.end : stop + 1;
    if (nl != nullptr) ++in.line;
    if (line == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (trim(text).empty()) {
      if (nl == nullptr) return false;
      continue;
    }
    record.line = line;
    record.raw = text;
    if (text.size() > in.max_record_bytes) {
      record.error = fmt::format("record is longer than {} bytes", in.max_record_bytes);
      return true;
    }
    record.error = in.parse(text);
    if (record.error.empty()) {
      record.members.reserve(in.key_spans.size());
      for (std::size_t i = 0; i < in.key_spans.size(); ++i) {
        record.members.emplace_back(
            std::string_view(in.values).substr(in.key_spans[i].first, in.key_spans[i].second),
            std::string_view(in.values).substr(in.value_spans[i].first, in.value_spans[i].second));
      }
    } else {
      record.members.clear();
    }
    return true;
  }
}

}  // namespace vafa::ingest
