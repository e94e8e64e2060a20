#include "engine/compiler/logic.h"

#include <algorithm>

namespace peregrine::engine {
namespace {

uint32_t total_cost(const std::vector<ProgramPtr>& children) {
  uint32_t sum = 0;
  for (const auto& c : children) sum += c->cost();
  return sum;
}

// Splices children of the same kind into their parent and sorts by cost.
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
  std::stable_sort(flat.begin(), flat.end(),
                   [](const ProgramPtr& a, const ProgramPtr& b) { return a->cost() < b->cost(); });
  return flat;
}

}  // namespace

And::And(std::vector<ProgramPtr> c) : children_(std::move(c)), cost_(total_cost(children_)) {}
Or::Or(std::vector<ProgramPtr> c) : children_(std::move(c)), cost_(total_cost(children_)) {}

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
