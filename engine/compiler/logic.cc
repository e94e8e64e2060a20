#include "engine/compiler/program.h"

#include <algorithm>

namespace peregrine::engine {
namespace {

uint32_t total_cost(const std::vector<ProgramPtr>& children) {
  uint32_t sum = 0;
  for (const auto& c : children) sum += c->cost();
  return sum;
}

class And final : public Program {
 public:
  explicit And(std::vector<ProgramPtr> c) : children_(std::move(c)), cost_(total_cost(children_)) {}
  bool eval(EvalContext& ctx) const override {
    for (const auto& c : children_)
      if (!c->eval(ctx)) return false;
    return true;
  }
  Kind kind() const override { return Kind::kAnd; }
  uint32_t cost() const override { return cost_; }
  std::vector<ProgramPtr> take_children() && { return std::move(children_); }

 private:
  std::vector<ProgramPtr> children_;
  uint32_t cost_;
};

class Or final : public Program {
 public:
  explicit Or(std::vector<ProgramPtr> c) : children_(std::move(c)), cost_(total_cost(children_)) {}
  bool eval(EvalContext& ctx) const override {
    for (const auto& c : children_)
      if (c->eval(ctx)) return true;
    return false;
  }
  Kind kind() const override { return Kind::kOr; }
  uint32_t cost() const override { return cost_; }
  std::vector<ProgramPtr> take_children() && { return std::move(children_); }

 private:
  std::vector<ProgramPtr> children_;
  uint32_t cost_;
};

class Not final : public Program {
 public:
  explicit Not(ProgramPtr c) : child_(std::move(c)) {}
  bool eval(EvalContext& ctx) const override { return !child_->eval(ctx); }
  Kind kind() const override { return Kind::kNot; }
  uint32_t cost() const override { return child_->cost(); }

 private:
  ProgramPtr child_;
};

class Constant final : public Program {
 public:
  explicit Constant(bool v) : value_(v) {}
  bool eval(EvalContext&) const override { return value_; }
  Kind kind() const override { return Kind::kConstant; }
  uint32_t cost() const override { return 0; }

 private:
  bool value_;
};

class Memo final : public Program {
 public:
  Memo(std::shared_ptr<const Program> macro, uint32_t cell) : macro_(std::move(macro)), cell_(cell) {}
  bool eval(EvalContext& ctx) const override {
    if (ctx.memo_known(cell_)) return ctx.memo_value(cell_);
    bool v = macro_->eval(ctx);
    ctx.set_memo(cell_, v);
    return v;
  }
  Kind kind() const override { return Kind::kMemo; }
  uint32_t cost() const override { return macro_->cost(); }

 private:
  std::shared_ptr<const Program> macro_;
  uint32_t cell_;
};

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
