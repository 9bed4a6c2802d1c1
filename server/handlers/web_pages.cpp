// The web pages (sign-in, registration, Security info, admin console) and their assets,
// served from the configured web folder; the pages call the JSON API like any client.
#include <array>
#include <memory>

#include "server/routes.hpp"
#include "server/static_files.hpp"

namespace twostep::server {
namespace {

struct Page {
  std::string_view path;
  std::string_view file;
};

constexpr std::array<Page, 4> kPages{{
    {"/", "sign-in.html"},
    {"/register", "register.html"},
    {"/security-info", "security-info.html"},
    {"/admin", "admin.html"},
}};

}  // namespace

void register_web_page_routes(Router& router, App& app) {
  auto files = std::make_shared<StaticFiles>(app.config.web_root());
  for (const Page& page : kPages) {
    router.add("GET", std::string(page.path), Access::kPublic,
               [files, file = std::string(page.file)](HttpRequest&) { return files->serve(file); });
  }
  // Assets: a flat folder and one level of subfolders (web/assets/img/logo.svg).
  router.add("GET", "/assets/{file}", Access::kPublic, [files](HttpRequest& request) {
    return files->serve("assets/" + request.param("file"));
  });
  router.add("GET", "/assets/{dir}/{file}", Access::kPublic, [files](HttpRequest& request) {
    return files->serve("assets/" + request.param("dir") + "/" + request.param("file"));
  });
}

}  // namespace twostep::server
