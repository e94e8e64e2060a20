#pragma once
// A compiled condition: a tree of Program nodes evaluated against an EvalContext. Built once at
// load time; evaluation is const and allocation-free, so one Program is shared by every thread
// (each with its own EvalContext).

#include <memory>
#include <vector>

#include "engine/compiler/eval_context.h"

namespace peregrine::engine {

class Program {
 public:
  virtual ~Program() = default;
  virtual bool eval(EvalContext& ctx) const = 0;
};

using ProgramPtr = std::unique_ptr<const Program>;

ProgramPtr make_and(std::vector<ProgramPtr> children);
ProgramPtr make_or(std::vector<ProgramPtr> children);
ProgramPtr make_not(ProgramPtr child);
ProgramPtr make_constant(bool value);

}  // namespace peregrine::engine
