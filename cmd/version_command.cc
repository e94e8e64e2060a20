#include <iostream>

#include "cmd/commands.h"
#include "engine/rules/rule_reader.h"

namespace peregrine::cli {

int run_version(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] != "--help" && args[0] != "-h") {
    return usage_error("version takes no arguments");
  }
  std::cout << "peregrine " << PEREGRINE_VERSION << "\n"
            << "rules engine " << engine::engine_version_string()
            << " (Falco rules language; required_engine_version up to this is accepted)\n";
  return 0;
}

}  // namespace peregrine::cli
