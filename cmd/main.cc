// peregrine: one binary, one subcommand per job (see DESIGN.md "One binary").

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cmd/commands.h"

namespace {

constexpr const char* kUsage = R"(usage: peregrine <command> [options]

Kubernetes runtime security with Falco-compatible rules.

commands:
  validate   load rule files as one ruleset and report every error and warning
  fields     list every field rules can use, with its type and description
  replay     run rules over recorded events and print the alerts
  agent      watch this node's syscalls and print an alert per rule match
  audit-webhook  receive Kubernetes API audit events over HTTPS and run the k8s_audit rules
  operator   turn FalcoRules and FalcoOutputs into rule bundles for the agents
  version    print the Peregrine and rules-engine versions

Run 'peregrine <command> --help' for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace peregrine::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "validate") return run_validate(args);
  if (command == "fields") return run_fields(args);
  if (command == "replay") return run_replay(args);
  if (command == "agent") return run_agent(args);
  if (command == "audit-webhook") return run_audit_webhook(args);
  if (command == "operator") return run_operator(args);
  if (command == "version" || command == "--version") return run_version(args);
  return usage_error("unknown command '" + command + "' (run 'peregrine --help')");
}
