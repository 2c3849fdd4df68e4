// The dashboard's files (web/dist, built by `make build` with npm and Vite) and the report's
// template, compiled into the binary by cmake/embed_web.cmake: `vafa serve` needs no files
// beside it.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace vafa::api {

struct WebAsset {
  std::string_view path;  // "/index.html", "/assets/main-1a2b3c.js"; "report.html" (not served)
  std::string_view content_type;
  std::string_view body;
};

std::span<const WebAsset> web_assets();

// The asset at `path`, if any.
inline std::optional<WebAsset> web_asset(std::string_view path) {
  for (const WebAsset& a : web_assets()) {
    if (a.path == path) return a;
  }
  return std::nullopt;
}

}  // namespace vafa::api
