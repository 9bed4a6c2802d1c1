// Static files: a whitelist of types and of path characters rather than a blacklist of
// tricks, so that no request can name a file outside the root or one we did not mean to
// publish (a backup "~" file, a dotfile, a symlink's target type).
#include "server/static_files.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <utility>

namespace twostep::server {
namespace {

/// Pages are small; a larger file under web/ is a mistake we would rather not stream.
constexpr std::uintmax_t kMaxFileBytes = 4 * 1024 * 1024;

bool safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool safe_segment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;
  for (char c : segment) {
    if (!safe_char(c)) return false;
  }
  return true;
}

std::unexpected<core::Error> not_found() {
  return core::fail(core::ErrorKind::kNotFound, "not_found", "no such page");
}

void add_page_headers(HttpResponse& response) {
  response.headers.emplace_back("Content-Security-Policy", std::string(kPageContentSecurityPolicy));
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  // Revalidate every time: after an upgrade a browser must not mix old and new modules.
  response.headers.emplace_back("Cache-Control", "no-cache");
}

}  // namespace

bool StaticFiles::safe_relative_path(std::string_view relative) {
  if (relative.empty()) return false;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t slash = std::min(relative.find('/', start), relative.size());
    if (!safe_segment(relative.substr(start, slash - start))) return false;
    start = slash + 1;
  }
  return true;
}

std::optional<std::string> StaticFiles::content_type_for(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (name.ends_with(extension)) return std::string(type);
  }
  return std::nullopt;
}

core::Result<HttpResponse> StaticFiles::serve(std::string_view relative) const {
  auto type = content_type_for(relative);
  if (!type || !safe_relative_path(relative)) return not_found();
  const std::filesystem::path file = root_ / std::filesystem::path(relative);
  std::error_code ec;
  // is_regular_file follows symlinks; a symlinked page is allowed, a directory is not.
  if (!std::filesystem::is_regular_file(file, ec) ||
      std::filesystem::file_size(file, ec) > kMaxFileBytes || ec) {
    return not_found();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return not_found();
  HttpResponse response;
  response.content_type = std::move(*type);
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  add_page_headers(response);
  return response;
}

}  // namespace twostep::server
