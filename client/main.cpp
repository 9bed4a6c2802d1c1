// twostep-device: the reference companion app (see client/cli.hpp).
#include <string_view>
#include <vector>

#include "client/cli.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  return twostep::client::cli::run(args);
}
