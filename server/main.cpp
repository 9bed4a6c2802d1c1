// The `twostep` executable: registers every subcommand and runs the one named on the
// command line. Each area adds its commands with one register call here.
#include <csignal>
#include <iostream>

#include "server/cli.hpp"

int main(int argc, char** argv) {
  // A peer that disconnects mid-write must be an error on that connection, not the end
  // of the process.
  std::signal(SIGPIPE, SIG_IGN);
  twostep::server::Cli cli;
  twostep::server::register_serve_command(cli);
  twostep::server::register_version_command(cli);
  twostep::server::register_admin_commands(cli);
  twostep::server::register_backup_commands(cli);
  twostep::server::register_rotate_command(cli);
  return cli.run(argc, argv, std::cout, std::cerr);
}
