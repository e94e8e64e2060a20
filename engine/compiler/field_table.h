#pragma once
// The distinct (field, argument, transformers) combinations a compiled ruleset reads, each
// given a slot number. Conditions and outputs refer to slots, so an event extracts each one at
// most once, lazily, however many rules name it. Built at compile time, then read-only.

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/condition/ast.h"
#include "engine/fields/field_registry.h"

namespace peregrine::engine {

struct FieldSlot {
  FieldRef ref;
  std::vector<ast::Transformer> transformers;  // outermost first
  std::string key;                             // canonical text, e.g. `tolower(fd.name)`
};

class FieldTable {
 public:
  uint32_t intern(const FieldRef& ref, const std::vector<ast::Transformer>& transformers);
  // A deque, so a slot reference stays valid while more fields are interned.
  const std::deque<FieldSlot>& slots() const { return slots_; }
  const FieldSlot& slot(uint32_t i) const { return slots_[i]; }

  // Memo cells: one per compiled macro, so a macro several rules share is evaluated once per
  // event. The table only counts them; EvalContext holds the per-event values.
  uint32_t add_memo() { return memo_count_++; }
  uint32_t memo_count() const { return memo_count_; }

 private:
  std::deque<FieldSlot> slots_;
  std::unordered_map<std::string, uint32_t> by_key_;
  uint32_t memo_count_ = 0;
};

}  // namespace peregrine::engine
