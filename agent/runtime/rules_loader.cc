#include "agent/runtime/rules_loader.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace peregrine::agent {
namespace {

void fnv1a(uint64_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
}

}  // namespace

RulesLoad load_rules(const engine::Engine& engine, const std::vector<std::string>& paths,
                     const std::vector<engine::RuleText>& extra) {
  RulesLoad out;
  auto files = engine::expand_rule_paths(paths);
  if (!files) {
    out.errors.messages.push_back(files.error().message);
    return out;
  }
  std::vector<engine::RuleText> texts;
  uint64_t h = 14695981039346656037ull;
  for (const std::string& f : *files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      out.errors.messages.push_back(f + ": cannot read rules file");
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    fnv1a(h, f);
    fnv1a(h, std::string_view("\0", 1));
    fnv1a(h, ss.str());
    texts.emplace_back(f, ss.str(), "");
  }
  if (!out.errors.messages.empty()) return out;
  for (const engine::RuleText& t : extra) {
    fnv1a(h, t.tenant);
    fnv1a(h, std::string_view("\0", 1));
    fnv1a(h, t.name);
    fnv1a(h, std::string_view("\0", 1));
    fnv1a(h, t.text);
    texts.push_back(t);
  }
  engine::LoadResult loaded = engine.load_texts(texts);
  for (const auto& file : loaded.report.files) {
    for (const auto& d : file.errors) out.errors.messages.push_back(d.to_string());
  }
  if (!loaded.ruleset) {
    if (out.errors.messages.empty()) out.errors.messages.push_back("rules did not load");
    return out;
  }
  LoadedRules rules;
  rules.ruleset = std::move(loaded.ruleset);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  rules.hash = hex;
  rules.files = texts.size();
  for (const auto& file : loaded.report.files) {
    for (const auto& d : file.warnings) rules.warnings.push_back(d.to_string());
  }
  out.rules = std::move(rules);
  return out;
}

}  // namespace peregrine::agent
