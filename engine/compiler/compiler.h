#pragma once
// Turns a condition's syntax tree into a Program for one source: macros are inlined, list
// names expanded, fields resolved against the source's registry and interned into the
// ruleset's FieldTable, and every operand parsed for its field's type. Also works out which
// event types the condition can match, for the ruleset index.
//
// Not thread-safe (it appends to the FieldTable); the loader compiles on one thread.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/compiler/definitions.h"
#include "engine/compiler/field_table.h"
#include "engine/compiler/program.h"
#include "engine/sources/event_source.h"

namespace peregrine::engine {

struct CompileError {
  std::string message;
  uint32_t pos = 0;        // byte offset in the text that holds the mistake
  std::string in_macro;    // empty: the condition itself; else the macro whose text it is
};

// nullopt: every event type (the condition does not restrict them).
using EventTypeSet = std::optional<std::vector<bool>>;

struct CompiledCondition {
  ProgramPtr program;
  EventTypeSet event_types;
};

class ConditionCompiler {
 public:
  ConditionCompiler(const EventSource& source, FieldTable& table, const Definitions& defs)
      : source_(source), table_(table), defs_(defs) {}

  // On failure returns the first error; `error()` tells it.
  std::optional<CompiledCondition> compile(const ast::NodePtr& root);
  const CompileError& error() const { return error_; }

  // Clears a previous error so the compiler can be reused (e.g. for a rule's output).
  void reset_error() {
    failed_ = false;
    macro_stack_.clear();
  }

  // Resolves a field as written (for outputs too) and interns it; nullopt + error() if unknown.
  std::optional<uint32_t> intern_field(const ast::FieldExpr& field);

  const std::set<std::string>& used_macros() const { return used_macros_; }
  const std::set<std::string>& used_lists() const { return used_lists_; }

 private:
  ProgramPtr compile_node(const ast::Node& node);
  ProgramPtr compile_check(const ast::Node& node);
  ProgramPtr compile_event_type_check(const ast::Node& node, const std::vector<std::string>& items);
  bool expand_operand(const ast::Value& value, std::vector<std::string>& out);
  EventTypeSet event_types_of(const ast::Node& node, bool negated);
  std::optional<uint16_t> event_type_code(const std::string& name);
  std::nullptr_t fail(std::string message, uint32_t pos);

  const EventSource& source_;
  FieldTable& table_;
  const Definitions& defs_;
  CompileError error_;
  bool failed_ = false;
  std::vector<std::string> macro_stack_;  // cycle detection and error attribution
  std::set<std::string> used_macros_;
  // Each macro is compiled once per source and shared by every rule that names it.
  std::map<std::string, std::pair<std::shared_ptr<const Program>, uint32_t>> compiled_macros_;
  // The event types of each macro, plain and negated: without it a macro used twice by a
  // macro used twice... would be walked exponentially often.
  std::map<std::pair<std::string, bool>, EventTypeSet> macro_event_types_;
  std::set<std::string> used_lists_;
};

}  // namespace peregrine::engine
