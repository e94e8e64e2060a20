#pragma once
// A compiled condition: a tree of Program nodes evaluated against an EvalContext. Built once at
// load time; evaluation is const and allocation-free, so one Program is shared by every thread
// (each with its own EvalContext). The ruleset's hot loop runs the same tree lowered to a
// FlatProgram (flat_program.h); the node classes behind kind() are in logic.h for that.

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/compiler/eval_context.h"
#include "engine/compiler/inline_check.h"

namespace peregrine::engine {

class Program {
 public:
  enum class Kind : uint8_t { kAnd, kOr, kNot, kConstant, kMemo, kEventType, kCheck };

  virtual ~Program() = default;
  virtual bool eval(EvalContext& ctx) const = 0;
  virtual Kind kind() const { return Kind::kCheck; }
  // A check leaf that FlatProgram may run inline (see inline_check.h); kind kNone otherwise.
  virtual InlineCheck inline_form() const { return {}; }
};

using ProgramPtr = std::unique_ptr<const Program>;

// Nested and/or of the same kind are flattened (macros nest them deeply); children keep the
// order they are written in, which and/or evaluate left to right, as Falco does.
ProgramPtr make_and(std::vector<ProgramPtr> children);
ProgramPtr make_or(std::vector<ProgramPtr> children);
ProgramPtr make_not(ProgramPtr child);
ProgramPtr make_constant(bool value);
// A shared, compiled macro whose result is cached per event in memo cell `cell`.
ProgramPtr make_memo(std::shared_ptr<const Program> macro, uint32_t cell);

}  // namespace peregrine::engine
