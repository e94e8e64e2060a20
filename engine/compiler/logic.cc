#include "engine/compiler/program.h"

namespace peregrine::engine {
namespace {

class And final : public Program {
 public:
  explicit And(std::vector<ProgramPtr> c) : children_(std::move(c)) {}
  bool eval(EvalContext& ctx) const override {
    for (const auto& c : children_)
      if (!c->eval(ctx)) return false;
    return true;
  }

 private:
  std::vector<ProgramPtr> children_;
};

class Or final : public Program {
 public:
  explicit Or(std::vector<ProgramPtr> c) : children_(std::move(c)) {}
  bool eval(EvalContext& ctx) const override {
    for (const auto& c : children_)
      if (c->eval(ctx)) return true;
    return false;
  }

 private:
  std::vector<ProgramPtr> children_;
};

class Not final : public Program {
 public:
  explicit Not(ProgramPtr c) : child_(std::move(c)) {}
  bool eval(EvalContext& ctx) const override { return !child_->eval(ctx); }

 private:
  ProgramPtr child_;
};

class Constant final : public Program {
 public:
  explicit Constant(bool v) : value_(v) {}
  bool eval(EvalContext&) const override { return value_; }

 private:
  bool value_;
};

}  // namespace

ProgramPtr make_and(std::vector<ProgramPtr> children) {
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<And>(std::move(children));
}
ProgramPtr make_or(std::vector<ProgramPtr> children) {
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<Or>(std::move(children));
}
ProgramPtr make_not(ProgramPtr child) { return std::make_unique<Not>(std::move(child)); }
ProgramPtr make_constant(bool value) { return std::make_unique<Constant>(value); }

}  // namespace peregrine::engine
