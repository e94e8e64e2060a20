#include <cstdio>
#include <fstream>
#include <iostream>

#include "agent/runtime/replay_runner.h"
#include "cmd/args.h"
#include "cmd/commands.h"
#include "engine/engine.h"
#include "engine/sources/k8s_audit/audit_event.h"

namespace peregrine::cli {
namespace {

constexpr const char* kHelp = R"(usage: peregrine replay --rules PATH [--rules PATH]... --events FILE
                        [--source k8s_audit|syscall] [-o json|text] [--all-matches]

Runs the rules over recorded events and prints one alert per match: with -o json one
Falco-compatible JSON object a line, with -o text (the default) Falco's classic line.

  --source k8s_audit  FILE holds JSON lines, each an audit.k8s.io/v1 Event or EventList.
  --source syscall    FILE is a capture written by 'peregrine agent --record'.
  --all-matches       report every matching rule per event, not only the first (Falco's
                      rule_matching: all).
)";

}  // namespace

int run_replay(const std::vector<std::string>& argv) {
  Args parsed;
  if (auto done = parse_command_line(argv, {{"rules", "r", true, true},
                                 {"events", "e", true, false},
                                 {"source", "", true, false},
                                 {"output", "o", true, false},
                                 {"all-matches", "", false, false}}, kHelp, false, parsed)) return *done;
  const Args* args = &parsed;
  std::string format = args->get("output").value_or("text");
  if (format != "text" && format != "json") return usage_error("-o must be text or json, not '" + format + "'");
  std::string source_name = args->get("source").value_or("syscall");
  auto events_path = args->get("events");
  if (!events_path) return usage_error("replay needs --events FILE");
  if (!args->has("rules")) return usage_error("replay needs at least one --rules PATH");
  if (source_name == "syscall") {
    agent::ReplayOptions options;
    options.rules = args->all("rules");
    options.events = *events_path;
    options.json = format == "json";
    options.all_matches = args->has("all-matches");
    return agent::run_syscall_replay(options);
  }
  if (source_name != "k8s_audit") return usage_error("unknown source '" + source_name + "' (known: syscall, k8s_audit)");

  auto paths = engine::expand_rule_paths(args->all("rules"));
  if (!paths) return usage_error(paths.error().message);
  engine::Engine engine(engine::system_hostname());
  engine::LoadResult loaded = engine.load_files(*paths);
  if (!loaded.ruleset) {
    for (const auto& f : loaded.report.files)
      for (const auto& d : f.errors) std::cerr << "error: " << d.to_string() << "\n";
    return usage_error("rules did not load: " + std::to_string(loaded.report.error_count()) + " errors");
  }

  std::ifstream in(*events_path);
  if (!in) return usage_error(*events_path + ": cannot open events file");
  auto events = engine::read_audit_lines(in);
  if (!events) return usage_error(*events_path + ": " + events.error().message);

  const engine::SourceRuleset* rules = loaded.ruleset->for_source(source_name);
  auto matching = args->has("all-matches") ? engine::RuleMatching::kAll : engine::RuleMatching::kFirst;
  size_t alerts = 0;
  if (rules) {
    auto ctx = rules->new_context();
    for (const auto& ev : *events) {
      rules->evaluate(*ctx, ev, matching, [&](const engine::CompiledRule& rule) {
        engine::Alert alert = rules->make_alert(rule, *ctx, engine.hostname());
        std::cout << (format == "json" ? alert.to_json_line() : alert.output_line()) << "\n";
        ++alerts;
      });
    }
  }
  std::cerr << "peregrine: replayed " << events->size() << " events, " << alerts << " alerts\n";
  return 0;
}

}  // namespace peregrine::cli
