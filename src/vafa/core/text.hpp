// Small text helpers shared by the layers: UTF-8 validation, trimming, case folding, hashing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vafa {

bool is_valid_utf8(std::string_view text);

// A name a user gives a stored thing (a segment, an API key): 1 to 100 bytes of valid UTF-8
// without control characters, so it prints and travels in JSON as it is.
bool is_display_name(std::string_view text);

std::string_view trim(std::string_view text);  // ASCII whitespace at both ends
std::string to_lower_ascii(std::string_view text);
std::string to_upper_ascii(std::string_view text);

// A stable 64-bit content hash (XXH3). Same input, same value, on every machine and version.
std::uint64_t hash64(std::string_view bytes, std::uint64_t seed = 0);

// Appends `text` as one CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma,
// a quote or a line end; as it is otherwise.
void append_csv_field(std::string& out, std::string_view text);

}  // namespace vafa
