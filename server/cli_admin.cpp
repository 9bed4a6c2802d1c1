// `twostep admin token create` and `twostep admin user add`: the first admin credential and
// the first users, made on the same data dir and database as a running server (SQLite WAL
// lets both write). Only the secret goes to stdout, so scripts can capture it; hints go to
// stderr.
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "account/admin_tokens.hpp"
#include "account/registration.hpp"
#include "account/users.hpp"
#include "server/app.hpp"
#include "server/certificate.hpp"
#include "server/cli.hpp"

namespace twostep::server {
namespace {

const store::AuditContext kCliActor{"cli", "", ""};

// A refusal of the input (bad name, taken username) reads as a usage error (exit 2); any
// other failure ends the command with status 1.
[[noreturn]] void fail_with(const core::Error& error) {
  if (error.kind == core::ErrorKind::kInvalidInput) throw UsageError(error.message);
  throw std::runtime_error(error.message);
}

// A server started without a public URL announces its bound port in DATA_DIR/listen.port;
// a link printed here should point at that server, like the links the server makes itself.
std::string link_base_url(const core::Config& config) {
  if (!config.public_url.empty()) return config.base_url();
  std::ifstream in(config.data_dir / "listen.port");
  unsigned port = 0;
  if (!(in >> port) || port == 0 || port > 65535) return config.base_url();
  std::string host = url_host(config.base_url());
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "https://" + host + ":" + std::to_string(port);
}

int create_token(const Args& args) {
  auto name = args.get("--name");
  if (!name) throw UsageError("--name is required");
  App app(load_config(args));
  auto made = app.store->write([&](store::Tx& tx) {
    return account::create_admin_token(tx, {app.clock, app.random}, kCliActor, *name);
  });
  if (!made) fail_with(made.error());
  std::cout << made->token << std::endl;
  std::cerr << "Admin token '" << made->record.name << "' created (" << made->record.id
            << "). It is shown only this once; send it as 'Authorization: Bearer <token>'.\n";
  return 0;
}

int add_user(const Args& args) {
  const std::string& username = args.positional().at(0);
  std::string display_name = args.get("--display-name").value_or(username);
  auto role = account::parse_role(args.get("--role").value_or("user"));
  if (!role) throw UsageError("--role must be user or admin");
  App app(load_config(args));
  auto created = app.store->write([&](store::Tx& tx) {
    return account::create_user(tx, {app.clock, app.random}, kCliActor,
                                {username, display_name, std::nullopt, *role});
  });
  if (!created) fail_with(created.error());
  std::cout << account::registration_url(link_base_url(app.config), created->registration.token)
            << std::endl;
  std::cerr << "User '" << created->user.username << "' created (" << created->user.id << ", role "
            << account::to_string(*role) << "). Send them the registration link "
            << "above; it works once and expires "
            << core::to_rfc3339(created->registration.expires_at) << ".\n";
  return 0;
}

}  // namespace

void register_admin_commands(Cli& cli) {
  std::vector<FlagSpec> token_flags = data_dir_flags();
  token_flags.push_back({"--name", "NAME", "A name for the token (shown in the audit log)"});
  cli.add(Command{{"admin", "token", "create"},
                  "Create an admin API token",
                  "Creates an admin token and prints it on stdout (only there, and only once); "
                  "the database keeps its SHA-256 hash. Works while the server runs.",
                  {},
                  std::move(token_flags),
                  create_token});

  std::vector<FlagSpec> user_flags = data_dir_flags();
  user_flags.push_back({"--display-name", "NAME", "The user's display name (default: USERNAME)"});
  user_flags.push_back({"--role", "ROLE", "user (default) or admin"});
  user_flags.push_back(
      {"--public-url", "URL",
       "Base URL of the link (default: the config's, else the running server's address)"});
  cli.add(Command{{"admin", "user", "add"},
                  "Add a user and print their registration link",
                  "Creates a user and prints their one-time registration link on stdout. The "
                  "link expires after the registration_link_days setting (7 days by default). "
                  "Works while the server runs.",
                  {"USERNAME"},
                  std::move(user_flags),
                  add_user});
}

}  // namespace twostep::server
