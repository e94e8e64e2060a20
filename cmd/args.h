#pragma once
// Command-line parsing shared by the subcommands: `--name value`, `--name=value`, short
// aliases (`-o`), repeatable options, boolean flags and positional arguments. Errors are
// values with one clear line saying what is wrong.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"

namespace peregrine::cli {

struct OptionSpec {
  std::string name;        // long name without dashes: "rules"
  std::string short_name;  // "o", or empty
  bool takes_value = true;
  bool repeatable = false;
};

class Args {
 public:
  static Result<Args> parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs);

  bool has(const std::string& name) const { return values_.contains(name); }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

// The start every subcommand shares: parses `argv` with `specs` plus --help/-h. Returns the
// exit code when the command is already done (0 after printing `help` for --help; 1 after a
// usage line for a bad option or, unless `positionals` is true, a stray argument); nullopt
// when the command should go on with `out`.
std::optional<int> parse_command_line(const std::vector<std::string>& argv,
                                      std::vector<OptionSpec> specs, const char* help,
                                      bool positionals, Args& out);

}  // namespace peregrine::cli
