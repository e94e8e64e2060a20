#pragma once
// The logic nodes of a Program tree. Exposed (rather than kept in logic.cc) so that
// FlatProgram can lower a tree: a node whose kind() is kAnd, kOr, kNot, kConstant, kMemo or
// kEventType is exactly the class of that name here.

#include <memory>
#include <vector>

#include "engine/compiler/program.h"

namespace peregrine::engine {

class And final : public Program {
 public:
  explicit And(std::vector<ProgramPtr> c) : children_(std::move(c)) {}
  bool eval(EvalContext& ctx) const override {
    for (const auto& c : children_)
      if (!c->eval(ctx)) return false;
    return true;
  }
  Kind kind() const override { return Kind::kAnd; }
  const std::vector<ProgramPtr>& children() const { return children_; }
  std::vector<ProgramPtr> take_children() && { return std::move(children_); }

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
  Kind kind() const override { return Kind::kOr; }
  const std::vector<ProgramPtr>& children() const { return children_; }
  std::vector<ProgramPtr> take_children() && { return std::move(children_); }

 private:
  std::vector<ProgramPtr> children_;
};

class Not final : public Program {
 public:
  explicit Not(ProgramPtr c) : child_(std::move(c)) {}
  bool eval(EvalContext& ctx) const override { return !child_->eval(ctx); }
  Kind kind() const override { return Kind::kNot; }
  const Program& child() const { return *child_; }

 private:
  ProgramPtr child_;
};

class Constant final : public Program {
 public:
  explicit Constant(bool v) : value_(v) {}
  bool eval(EvalContext&) const override { return value_; }
  Kind kind() const override { return Kind::kConstant; }
  bool value() const { return value_; }

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
  const Program& macro() const { return *macro_; }
  uint32_t cell() const { return cell_; }

 private:
  std::shared_ptr<const Program> macro_;
  uint32_t cell_;
};

// `evt.type` compared with names (=, !=, in, intersects): answered from the event's type code,
// no extraction. An event type code outside the table is in no set.
class EventTypeCheck final : public Program {
 public:
  EventTypeCheck(std::vector<bool> types, bool negate) : types_(std::move(types)), negate_(negate) {}
  bool eval(EvalContext& ctx) const override { return matches(ctx.event().type); }
  Kind kind() const override { return Kind::kEventType; }

  bool matches(uint16_t type) const {
    bool in = type < types_.size() && types_[type];
    return in != negate_;
  }
  const std::vector<bool>& types() const { return types_; }
  bool negated() const { return negate_; }

 private:
  std::vector<bool> types_;
  bool negate_;
};

}  // namespace peregrine::engine
