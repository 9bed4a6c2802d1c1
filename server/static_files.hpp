// Plain files served from one folder (the web pages: HTML, CSS, ES modules, images), with
// the headers a page of an authentication service needs: a strict Content-Security-Policy
// (no inline script or style, nothing from elsewhere), no framing, no referrer.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "server/http.hpp"

namespace twostep::server {

/// The policy every served page carries; pages load scripts and styles only from this
/// server, talk only to it, and cannot be framed.
inline constexpr std::string_view kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

  /// The file at `relative` under the root ("assets/site.css"), or 404 `not_found` when the
  /// path is not a plain file name chain of [A-Za-z0-9._-] segments (no "..", no hidden
  /// files), has a type this server does not serve, or does not exist.
  core::Result<HttpResponse> serve(std::string_view relative) const;

  /// The content type for a served file name, or nothing for a type that is not served.
  static std::optional<std::string> content_type_for(std::string_view name);
  /// True for "a/b.css"-like paths: safe segments, none starting with a dot.
  static bool safe_relative_path(std::string_view relative);

 private:
  std::filesystem::path root_;
};

}  // namespace twostep::server
