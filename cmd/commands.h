#pragma once
// The subcommands of the `peregrine` binary. Each takes its arguments (after the subcommand
// name) and returns the process exit code: 0 success, 1 usage or input error (with one line
// on stderr saying what and where).

#include <string>
#include <vector>

namespace peregrine::cli {

int run_validate(const std::vector<std::string>& args);
int run_fields(const std::vector<std::string>& args);
int run_replay(const std::vector<std::string>& args);
int run_agent(const std::vector<std::string>& args);
int run_audit_webhook(const std::vector<std::string>& args);
int run_operator(const std::vector<std::string>& args);
int run_version(const std::vector<std::string>& args);

// Prints `peregrine: <message>` on stderr and returns 1.
int usage_error(const std::string& message);

}  // namespace peregrine::cli
