#pragma once
// Rule files as read, before compilation: every list, macro and rule definition with where it
// came from, after Falco's define / append / override semantics have been applied in load order.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/rules/priority.h"

namespace peregrine::engine {

// Where a piece of text came from: which file, and where its scalar starts.
struct Origin {
  int file = -1;           // index into the loaded files
  size_t offset = 0;       // byte offset of the node in the file
  int line = 0;            // 1-based
  int column = 0;
};

// An exception's fields/comps/values: each is a single string or a list (values nest deeper).
struct ExceptionValue {
  bool is_list = false;
  std::string item;
  std::vector<ExceptionValue> items;
};

struct ExceptionInfo {
  std::string name;
  std::optional<ExceptionValue> fields;
  std::optional<ExceptionValue> comps;
  std::vector<ExceptionValue> values;
  Origin origin;
};

struct ListInfo {
  std::string name;
  std::vector<std::string> items;
  Origin origin;
  size_t order = 0;
};

struct MacroInfo {
  std::string name;
  std::string condition;
  Origin origin;            // the item
  Origin condition_origin;  // the condition scalar (appended text is located from here too)
  size_t order = 0;
};

struct RuleInfo {
  std::string name;
  std::string desc;
  std::string condition;
  std::string output;
  Priority priority = Priority::kDebug;
  std::set<std::string> tags;  // Falco keeps tags as a set: sorted, unique
  std::string source = "syscall";
  bool enabled = true;
  bool warn_evttypes = true;
  bool skip_if_unknown_filter = false;
  std::vector<ExceptionInfo> exceptions;
  Origin origin;
  Origin condition_origin;
  Origin output_origin;
  size_t order = 0;
};

struct RuleDocument {
  std::vector<std::string> files;         // paths, in load order
  std::vector<std::string> contents;      // file texts, same order
  std::map<std::string, ListInfo> lists;
  std::map<std::string, MacroInfo> macros;
  std::vector<RuleInfo> rules;            // in definition order; redefinition replaces in place
  std::string required_engine_version;    // the last one read, as written
  size_t next_order = 0;                  // definition order across all files
};

}  // namespace peregrine::engine
