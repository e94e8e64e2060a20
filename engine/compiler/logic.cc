#include "engine/compiler/logic.h"

namespace peregrine::engine {
namespace {

// Splices children of the same kind into their parent, keeping the written order: Falco rules
// put their selective tests first (event type, the file or process the rule is about) and
// their exceptions (`and not ...`, nearly always true) last, so the written order ends most
// evaluations early. Ordering by cost instead ran the cheap exceptions first and took 1.5x
// the time on the stable ruleset (bench/RESULTS.md, engine, 2026-11-23).
template <typename Node>
std::vector<ProgramPtr> flatten(std::vector<ProgramPtr> children, Program::Kind kind) {
  std::vector<ProgramPtr> flat;
  for (auto& c : children) {
    if (c->kind() != kind) {
      flat.push_back(std::move(c));
      continue;
    }
    // The node was built here as a Node, so the downcast is exact.
    auto inner = std::move(*const_cast<Node*>(static_cast<const Node*>(c.get()))).take_children();
    for (auto& i : inner) flat.push_back(std::move(i));
  }
  return flat;
}

}  // namespace

ProgramPtr make_and(std::vector<ProgramPtr> children) {
  children = flatten<And>(std::move(children), Program::Kind::kAnd);
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<And>(std::move(children));
}
ProgramPtr make_or(std::vector<ProgramPtr> children) {
  children = flatten<Or>(std::move(children), Program::Kind::kOr);
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<Or>(std::move(children));
}
ProgramPtr make_not(ProgramPtr child) { return std::make_unique<Not>(std::move(child)); }
ProgramPtr make_constant(bool value) { return std::make_unique<Constant>(value); }
ProgramPtr make_memo(std::shared_ptr<const Program> macro, uint32_t cell) {
  return std::make_unique<Memo>(std::move(macro), cell);
}

}  // namespace peregrine::engine
