#pragma once
// A Program tree lowered, per rule, to a flat array of branch instructions: each instruction
// tests one thing and names the instruction to run next on true and on false, so and/or/not
// cost no call and no node visit at all, only the jumps the tree's short-circuit order implies.
// The common check kinds (inline_check.h) are instructions of their own that read the field
// slot and compare in the loop; other checks stay the tree's leaf objects (called through
// Program::eval). `evt.type` tests and macro memo cells are inline instructions too.
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
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/compiler/program.h"
#include "engine/compiler/string_set.h"

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

  // True when the condition holds for the context's event (flat_program_eval.cc).
  bool eval(EvalContext& ctx) const;

  // For tests: a condition folded to a constant has no instructions.
  size_t size() const { return code_.size(); }
  // For tests: how many instructions are checks run inline, and how many call their leaf.
  size_t inline_checks() const;
  size_t leaf_checks() const;

 private:
  static constexpr int32_t kAccept = -1;
  static constexpr int32_t kReject = -2;
  enum class Op : uint8_t {
    kCheck, kEventType, kMemoTest, kMemoSet, kTree,
    // Inline checks (InlineCheck::Kind of the same name); `arg` is the field slot.
    kStrEq, kStrNe, kStartsWith, kEndsWith, kContains, kStrIn,
    kBoolEq,
    kIntEq, kIntNe, kIntLt, kIntLe, kIntGt, kIntGe,
  };
  static constexpr uint8_t kStoreFalse = 1;
  static constexpr uint8_t kStoreTrue = 2;
  struct Instr {
    explicit Instr(Op o) : op(o) {}
    Op op;
    bool value = false;     // kMemoSet: the value stored; kEventType: negated
    // A kMemoSet merged into this instruction's true / false exit: what it stores in set_cell.
    uint8_t set_on_true = 0;
    uint8_t set_on_false = 0;
    // kMemoTest / kMemoSet: memo cell; kEventType: first word in types_; inline checks: slot
    uint32_t arg = 0;
    int32_t on_true = kReject;  // kMemoSet: the next instruction
    int32_t on_false = kReject;
    uint32_t set_cell = 0;
    union {
      int32_t body = kReject;  // kMemoTest: the macro's code, run when the cell is not known
      uint32_t words;          // kEventType: number of words in types_; string kinds: needle size
    };
    union {
      const char* needle;     // string kinds but kStrIn
      const StringSet* set;   // kStrIn
      int64_t number = 0;     // kBoolEq (0 or 1) and the int kinds
    };
    // String kinds but kStrIn: up to 8 bytes of the needle as a little-endian word, its first
    // bytes (= and startswith) or its last bytes at the word's top (endswith), so most
    // comparisons read neither the needle nor call memcmp.
    uint64_t word = 0;
    // kCheck, and inline checks for values of an unusual kind: the leaf that decides.
    const Program* leaf = nullptr;
  };
  static_assert(sizeof(Instr) == 48);
  class Builder;
  void merge_memo_sets();

  // The slot's value for an inline check when it is of the kind the instruction compares;
  // otherwise null, with `r` the answer: false for a missing value, the leaf's for another kind.
  static const Extraction* typed_value(const Instr& in, EvalContext& ctx, Extraction::Kind kind, bool& r) {
    const Extraction* v = ctx.value(in.arg);
    if (!v) return nullptr;
    if (v->kind() != kind) [[unlikely]] {
      r = in.leaf->eval(ctx);
      return nullptr;
    }
    return v;
  }
  // As typed_value, for the int kinds: int64 and uint64 values compare as numbers.
  static const Extraction* number_value(const Instr& in, EvalContext& ctx, bool& r) {
    const Extraction* v = ctx.value(in.arg);
    if (!v) return nullptr;
    if (v->kind() != Extraction::Kind::kInt && v->kind() != Extraction::Kind::kUint) [[unlikely]] {
      r = in.leaf->eval(ctx);
      return nullptr;
    }
    return v;
  }
  static __int128 number_of(const Extraction& v) {
    return v.kind() == Extraction::Kind::kInt ? __int128{v.i64()} : __int128{v.u64()};
  }
  static std::string_view needle(const Instr& in) { return {in.needle, in.words}; }
  static uint64_t load8(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  // The low n bytes of a word (n < 8).
  static uint64_t low_bytes(size_t n) { return (uint64_t{1} << (8 * n)) - 1; }
  // s[0, n) against the word's low n bytes, for n < 8 (s may be shorter than 8 bytes).
  static bool bytes_equal(const char* s, uint64_t word, size_t n) {
    for (size_t i = 0; i < n; ++i)
      if (static_cast<uint8_t>(s[i]) != static_cast<uint8_t>(word >> (8 * i))) return false;
    return true;
  }
  static bool equal(std::string_view s, const Instr& in) {
    size_t n = in.words;
    if (s.size() != n) return false;
    if (n < 8) return bytes_equal(s.data(), in.word, n);
    return load8(s.data()) == in.word && std::memcmp(s.data() + 8, in.needle + 8, n - 8) == 0;
  }
  static bool starts_with(std::string_view s, const Instr& in) {
    size_t n = in.words;
    if (s.size() < n) return false;
    if (s.size() < 8) return bytes_equal(s.data(), in.word, n);
    uint64_t w = load8(s.data());
    if (n < 8) return ((w ^ in.word) & low_bytes(n)) == 0;
    return w == in.word && std::memcmp(s.data() + 8, in.needle + 8, n - 8) == 0;
  }
  static bool ends_with(std::string_view s, const Instr& in) {
    size_t n = in.words;
    if (s.size() < n) return false;
    if (n == 0) return true;
    if (s.size() < 8) return bytes_equal(s.data() + s.size() - n, in.word >> (8 * (8 - n)), n);
    uint64_t w = load8(s.data() + s.size() - 8);
    if (n < 8) return ((w ^ in.word) & ~low_bytes(8 - n)) == 0;
    return w == in.word && std::memcmp(s.data() + s.size() - n, in.needle, n - 8) == 0;
  }

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
