// Every JSON request body schema, through the real readers the handlers call
// (server/bodies/*: activation, admin, Auth API, user and session routes). The first byte
// picks the schema, the rest is the body. Properties: a refusal is a 400 that names what
// was wrong — invalid_json, an unknown field (never one of the schema's own), or
// invalid_<field> for one of the schema's fields — with a printable message; the same
// body always gets the same answer; an accepted body names only the schema's fields, is
// accepted again once re-serialised, and is refused once an unknown field is added.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "account/settings_fields.hpp"
#include "server/bodies/activation_bodies.hpp"
#include "server/bodies/admin_bodies.hpp"
#include "server/bodies/auth_bodies.hpp"
#include "server/bodies/user_bodies.hpp"
#include "server/json_io.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using twostep::fuzz::check;
namespace json = boost::json;
namespace server = twostep::server;
using twostep::core::Error;

namespace {

/// A refusal, or nullopt when the body was accepted.
using Outcome = std::optional<Error>;
using Reader = std::function<Outcome(const server::HttpRequest&)>;

template <auto Read>
Outcome run(const server::HttpRequest& request) {
  auto result = Read(request);
  if (result) return std::nullopt;
  return result.error();
}

struct Schema {
  std::vector<std::string> fields;  // the top-level fields
  bool strict = true;               // fields outside the schema are refused
  std::string unknown_code = "unknown_field";
  Reader read;
  std::string nested;                      // the one object field with fields of its own
  std::vector<std::string> nested_fields;  // (the push's context)
};

std::vector<std::string> setting_names() {
  std::vector<std::string> names;
  for (const auto& entry : twostep::account::settings_to_json(twostep::account::Settings{})) {
    names.emplace_back(entry.key());
  }
  return names;
}

// A schema that refuses fields it does not name, and one that ignores them.
Schema strict(std::vector<std::string> fields, Reader read,
              std::string unknown_code = "unknown_field") {
  return Schema{std::move(fields), true, std::move(unknown_code), std::move(read), {}, {}};
}

Schema lenient(std::vector<std::string> fields, Reader read) {
  return Schema{std::move(fields), false, "", std::move(read), {}, {}};
}

const std::vector<Schema>& schemas() {
  using namespace server;
  static const std::vector<Schema> all = [] {
    Schema push = strict({"username", "context", "remember"}, run<read_push_body>);
    push.nested = "context";
    push.nested_fields = {"ip", "location", "browser"};
    return std::vector<Schema>{
        lenient({"code", "device_name", "platform", "app_version", "public_key"},
                run<read_activate_body>),
        strict({"replace_device_id"}, run<read_new_activation_body>),
        strict({"display_name"}, run<read_oath_token_body>),
        strict({"code"}, run<read_oath_token_code_body>),
        strict({"not_seen_days", "dry_run", "limit"}, run<read_sweep_body>),
        strict({"username", "display_name", "password", "role"}, run<read_new_user_body>),
        strict({"display_name", "status", "role"}, run<read_user_patch_body>),
        strict({"name"}, run<read_application_body>),
        strict({"hours"}, run<read_temporary_access_body>),
        strict(setting_names(), run<read_settings_body>, "unknown_setting"),
        strict({"username", "remember_token"}, run<read_preauth_body>),
        push,
        lenient({"username", "code", "remember"}, run<read_totp_body>),
        strict({"username", "phone", "method"}, run<read_phone_code_body>),
        strict({"code"}, run<read_code_body>),
        strict({"preferred_method"}, run<read_preferences_body>),
        strict({"number", "method"}, run<read_phone_number_body>),
        strict({"name"}, run<read_app_password_body>),
        strict({"token"}, run<read_registration_token_body>),
        strict({"token", "password"}, run<read_registration_password_body>),
        strict({"remember"}, run<read_session_push_body>),
        strict({"method", "code", "remember"}, run<read_session_verify_body>),
        strict({"method", "phone"}, run<read_session_send_code_body>),
    };
  }();
  return all;
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& field : names) {
    if (field == name) return true;
  }
  return false;
}

bool known(const Schema& schema, std::string_view name) {
  return listed(schema.fields, name) || listed(schema.nested_fields, name);
}

// The body's nested object, if the schema has one and the body holds it.
const json::object* nested_object(const Schema& schema, const json::object& body) {
  if (schema.nested.empty()) return nullptr;
  const json::value* v = body.if_contains(schema.nested);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

// Whether `name` is in the body at a level where the schema does not take it.
bool misplaced(const Schema& schema, const json::object& body, std::string_view name) {
  if (body.contains(name) && !listed(schema.fields, name)) return true;
  const json::object* inner = nested_object(schema, body);
  return inner != nullptr && inner->contains(name) && !listed(schema.nested_fields, name);
}

bool printable(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

void check_refusal(const Schema& schema, const server::HttpRequest& request, const Error& error) {
  check(error.kind == twostep::core::ErrorKind::kInvalidInput, "a refused body is a 400");
  check(!error.message.empty() && printable(error.message), "a refusal says why, printably");
  if (error.code == "invalid_json") return;
  if (error.code == schema.unknown_code) {
    // The name is echoed only when printable (else ""); when echoed, it is really there.
    if (error.field.empty()) return;
    boost::system::error_code ec;
    const json::value body = json::parse(request.body, ec);
    check(!ec && body.is_object() && misplaced(schema, body.as_object(), error.field),
          "an unknown field is one the body has where the schema does not take it");
    return;
  }
  check(error.code == "invalid_" + error.field && known(schema, error.field),
        "any other refusal is invalid_<field> for a field of the schema");
}

bool same(const Outcome& a, const Outcome& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->code == b->code && a->field == b->field && a->message == b->message);
}

server::HttpRequest json_request(std::string body) {
  server::HttpRequest request;
  request.headers.emplace_back("content-type", "application/json");
  request.body = std::move(body);
  return request;
}

void check_accepted(const Schema& schema, const server::HttpRequest& request) {
  if (request.body.empty()) return;  // an optional body, read as {}
  boost::system::error_code ec;
  json::value parsed = json::parse(request.body, ec);
  check(!ec && parsed.is_object(), "an accepted body is a JSON object");
  json::object& body = parsed.as_object();
  if (schema.strict) {
    for (const auto& entry : body) {
      check(!misplaced(schema, body, entry.key()), "an accepted body names only its fields");
    }
    if (const json::object* inner = nested_object(schema, body)) {
      for (const auto& entry : *inner) {
        check(!misplaced(schema, body, entry.key()), "an accepted body names only its fields");
      }
    }
  }
  check(!schema.read(json_request(json::serialize(body))),
        "an accepted body is accepted again once re-serialised");
  if (schema.strict) {
    body["zz_not_a_field"] = 1;
    const Outcome extra = schema.read(json_request(json::serialize(body)));
    check(extra && extra->code == schema.unknown_code,
          "an accepted body with an unknown field added is refused for it");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Schema& schema = schemas()[data[0] % schemas().size()];
  const server::HttpRequest request =
      json_request(std::string(twostep::fuzz::as_text(data + 1, size - 1)));
  const Outcome first = schema.read(request);
  check(same(first, schema.read(request)), "the same body always gets the same answer");
  if (first) {
    check_refusal(schema, request, *first);
  } else {
    check_accepted(schema, request);
  }
  return 0;
}
