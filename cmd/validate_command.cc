#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cmd/args.h"
#include "cmd/commands.h"
#include "engine/engine.h"

namespace peregrine::cli {
namespace {

constexpr const char* kHelp = R"(usage: peregrine validate [-o text|json] PATH...

Loads the rule files, in order, as one ruleset (as the agent would) and reports every error
and warning with its file, line and column. A PATH may be a directory: its *.yaml files load
in name order. Exits 1 if any file has an error.
)";

nlohmann::ordered_json diagnostics_json(const std::vector<engine::Diagnostic>& ds) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& d : ds) {
    arr.push_back({{"line", d.line}, {"column", d.column}, {"item", d.item}, {"message", d.message}, {"code", d.code}});
  }
  return arr;
}

}  // namespace

int run_validate(const std::vector<std::string>& argv) {
  Args parsed;
  if (auto done = parse_command_line(argv, {{"output", "o", true, false}}, kHelp, true, parsed)) return *done;
  const Args* args = &parsed;
  std::string format = args->get("output").value_or("text");
  if (format != "text" && format != "json") return usage_error("-o must be text or json, not '" + format + "'");
  if (args->positional().empty()) return usage_error("validate needs at least one rules file or directory");
  auto paths = engine::expand_rule_paths(args->positional());
  if (!paths) return usage_error(paths.error().message);

  engine::Engine engine(engine::system_hostname());
  engine::LoadResult loaded = engine.load_files(*paths);

  if (format == "json") {
    nlohmann::ordered_json out;
    out["files"] = nlohmann::ordered_json::array();
    for (const auto& f : loaded.report.files) {
      out["files"].push_back({{"path", f.path},
                              {"rules", f.rules},
                              {"macros", f.macros},
                              {"lists", f.lists},
                              {"errors", diagnostics_json(f.errors)},
                              {"warnings", diagnostics_json(f.warnings)}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    for (const auto& f : loaded.report.files) {
      for (const auto& d : f.errors) std::cout << "error: " << d.to_string() << "\n";
      for (const auto& d : f.warnings) std::cout << "warning: " << d.to_string() << "\n";
      std::cout << f.path << ": " << f.rules << " rules, " << f.macros << " macros, " << f.lists
                << " lists, " << f.errors.size() << " errors, " << f.warnings.size() << " warnings\n";
    }
    std::cout << (loaded.report.ok() ? "ok" : "invalid") << ": " << loaded.report.error_count()
              << " errors, " << loaded.report.warning_count() << " warnings\n";
  }
  return loaded.report.ok() ? 0 : 1;
}

int usage_error(const std::string& message) {
  std::cerr << "peregrine: " << message << "\n";
  return 1;
}

}  // namespace peregrine::cli
