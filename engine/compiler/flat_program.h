#pragma once
// A Program tree lowered, per rule, to a flat array of branch instructions: each instruction
// tests one thing and names the instruction to run next on true and on false, so and/or/not
// cost no call and no node visit at all, only the jumps the tree's short-circuit order implies.
// Checks stay the tree's own leaf objects (called through Program::eval); `evt.type` tests
// and macro memo cells are inline instructions.
//
// Event-type folding: a FlatProgram built for a rule's event-type set S (the set the ruleset's
// index runs the rule for) replaces every `evt.type` test whose answer is the same for all of
// S by that constant, wherever it sits (under `not`, in `or`, in shared macros): for the events
// it is run on, the test could not answer otherwise. Such a program must only be run for
// events whose type is in S. Macro memo cells stay shared with other rules: a macro folded for
// S still computes the macro's true value for an event of S, which is what the cell holds.
//
// Macros are expanded at each use (as Falco expands them); a condition whose expansion passes
// 16384 instructions (macros nesting shared macros) runs as its tree instead, unfolded. A
// check whose true and false exits lead to the same place is not emitted: results never
// change, though EvalCounters::missing_values may count fewer reads than the tree would.
//
// Immutable after build; evaluation is const and allocation-free (thread-safety as Program).

#include <cstdint>
#include <vector>

#include "engine/compiler/program.h"

namespace peregrine::engine {

class FlatProgram {
 public:
  // `root` must outlive the FlatProgram (its leaves are called). `known_types`: the event
  // types the program will only ever be run for (folding), or nullptr for none assumed.
  // `memo_cells`: the macros (by memo cell) whose result is cached per event, or nullptr for
  // all; any other macro is inlined and recomputed where used, which is cheaper than the cache
  // for a macro only one rule names.
  static FlatProgram build(const Program& root, const std::vector<bool>* known_types,
                           const std::vector<bool>* memo_cells = nullptr);
  // Adds 1 to uses[cell] for each macro memo cell `root` reads (once per root; grows `uses`).
  static void count_memo_cells(const Program& root, std::vector<uint32_t>& uses);

  bool eval(EvalContext& ctx) const {
    int32_t pc = entry_;
    while (pc >= 0) {
      const Instr& in = code_[static_cast<size_t>(pc)];
      bool r = false;
      switch (in.op) {
        case Op::kCheck: r = in.leaf->eval(ctx); break;
        case Op::kEventType: r = type_matches(in, ctx.event().type); break;
        case Op::kMemoTest: {
          auto known = ctx.memo(in.arg);
          if (!known) {
            pc = in.body;
            continue;
          }
          r = *known;
          break;
        }
        case Op::kMemoSet:
          ctx.set_memo(in.arg, in.value);
          pc = in.on_true;
          continue;
        case Op::kTree: r = root_->eval(ctx); break;
      }
      pc = r ? in.on_true : in.on_false;
      // The exit of a macro's code: its memo cell is filled on the way out.
      if (uint8_t m = r ? in.set_on_true : in.set_on_false) [[unlikely]] ctx.set_memo(in.set_cell, m == kStoreTrue);
    }
    return pc == kAccept;
  }

  // For tests: a condition folded to a constant has no instructions.
  size_t size() const { return code_.size(); }

 private:
  static constexpr int32_t kAccept = -1;
  static constexpr int32_t kReject = -2;
  enum class Op : uint8_t { kCheck, kEventType, kMemoTest, kMemoSet, kTree };
  static constexpr uint8_t kStoreFalse = 1;
  static constexpr uint8_t kStoreTrue = 2;
  struct Instr {
    Op op;
    bool value = false;     // kMemoSet: the value stored; kEventType: negated
    // A kMemoSet merged into this instruction's true / false exit: what it stores in set_cell.
    uint8_t set_on_true = 0;
    uint8_t set_on_false = 0;
    uint32_t set_cell = 0;
    uint32_t arg = 0;       // kMemoTest / kMemoSet: memo cell; kEventType: first word in types_
    int32_t on_true = kReject;  // kMemoSet: the next instruction
    int32_t on_false = kReject;
    int32_t body = kReject;     // kMemoTest: the macro's code, run when the cell is not known
    uint32_t words = 0;         // kEventType: number of words in types_
    const Program* leaf = nullptr;
  };
  static_assert(sizeof(Instr) == 40);
  class Builder;
  void merge_memo_sets();

  bool type_matches(const Instr& in, uint16_t type) const {
    uint32_t w = type / 64u;
    bool in_set = w < in.words && ((types_[in.arg + w] >> (type % 64u)) & 1u);
    return in_set != in.value;
  }

  std::vector<Instr> code_;
  std::vector<uint64_t> types_;  // bit sets of the kEventType instructions
  int32_t entry_ = kReject;
  const Program* root_ = nullptr;
};

}  // namespace peregrine::engine
