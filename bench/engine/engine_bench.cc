// bench/engine: the rule engine alone. Loads Falco's stable ruleset and evaluates a realistic
// syscall event mix (event_mix.h) on one core, as the agent's evaluation threads do: one
// EvalContext per thread, the event-type index, Falco's default first-match semantics.
//
//   BM_Load/*      parse + compile the ruleset (the hot-reload cost)
//   BM_Evaluate/*  events evaluated per second; `x1` is the stable ruleset, `xN` holds N renamed
//                  copies of each stable rule (a ruleset N times its size)
//   BM_Dispatch    the floor: context reset and index lookup with a ruleset whose only rule
//                  matches an event type absent from the mix
// Record results in bench/RESULTS.md.

#include <benchmark/benchmark.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "bench/engine/event_mix.h"
#include "engine/engine.h"

namespace {

using namespace peregrine;

std::string stable_rules() {
  std::ifstream in(PEREGRINE_COMPAT_DIR "/falco_rules.yaml");
  std::stringstream s;
  s << in.rdbuf();
  if (s.str().empty()) std::abort();
  return s.str();
}

// The stable file plus N-1 copies of its rules with new names (lists and macros stay shared).
std::vector<std::pair<std::string, std::string>> scaled_rules(int copies) {
  std::string base = stable_rules();
  std::vector<std::pair<std::string, std::string>> files{{"falco_rules.yaml", base}};
  for (int i = 1; i < copies; ++i) {
    std::string only_rules;
    std::istringstream lines(base);
    std::string line;
    bool in_rule = false;
    while (std::getline(lines, line)) {
      if (line.starts_with("- ")) in_rule = line.starts_with("- rule:");
      if (line.starts_with("- rule:")) line += " (copy " + std::to_string(i) + ")";
      if (in_rule) only_rules += line + "\n";
    }
    files.emplace_back("copy" + std::to_string(i) + ".yaml", only_rules);
  }
  return files;
}

const engine::Engine& the_engine() {
  static engine::Engine e("bench-node");
  return e;
}

const bench::EventMix& the_mix() {
  static bench::EventMix mix(1 << 16);
  return mix;
}

void BM_Load(benchmark::State& state) {
  auto files = scaled_rules(static_cast<int>(state.range(0)));
  size_t rules = 0;
  for (auto _ : state) {
    auto r = the_engine().load_texts(files);
    if (!r.ruleset) state.SkipWithError("ruleset did not load");
    else rules = r.ruleset->rule_count();
    benchmark::DoNotOptimize(r);
  }
  state.counters["rules"] = static_cast<double>(rules);
}
BENCHMARK(BM_Load)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);

void evaluate(benchmark::State& state, const engine::SourceRuleset& rules,
              const std::vector<engine::SyscallEvent>& events) {
  auto ctx = rules.new_context();
  size_t matches = 0, i = 0;
  for (auto _ : state) {
    const auto& e = events[i];
    if (++i == events.size()) i = 0;
    rules.evaluate(*ctx, e, engine::RuleMatching::kFirst, [&](const engine::CompiledRule&) { ++matches; });
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["match_ratio"] = static_cast<double>(matches) / static_cast<double>(state.iterations());
}

void BM_Evaluate(benchmark::State& state) {
  auto r = the_engine().load_texts(scaled_rules(static_cast<int>(state.range(0))));
  if (!r.ruleset) {
    state.SkipWithError("ruleset did not load");
    return;
  }
  evaluate(state, *r.ruleset->for_source("syscall"), the_mix().events());
  state.counters["rules"] = static_cast<double>(r.ruleset->rule_count());
}
BENCHMARK(BM_Evaluate)->Arg(1)->Arg(4)->Arg(8);

void BM_Dispatch(benchmark::State& state) {
  auto r = the_engine().load_texts({{"floor.yaml",
                                     "- rule: floor\n  desc: d\n  condition: evt.type = reboot\n"
                                     "  output: o\n  priority: debug\n"}});
  evaluate(state, *r.ruleset->for_source("syscall"), the_mix().events());
}
BENCHMARK(BM_Dispatch);

}  // namespace

BENCHMARK_MAIN();
