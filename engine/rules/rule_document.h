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

// Text put together from YAML scalars: a definition, then whatever appends added, joined by a
// blank as Falco joins them. Each piece remembers its scalar, so a position anywhere in the
// text maps back to the file, line and column that hold it (appends may come from other files).
struct SourcedText {
  struct Piece {
    size_t offset = 0;  // where the piece starts in `text`
    Origin origin;      // the scalar it came from
  };
  std::string text;
  std::vector<Piece> pieces;

  void assign(std::string value, const Origin& at) {
    text = std::move(value);
    pieces = {Piece{0, at}};
  }
  void append(const std::string& value, const Origin& at) {
    text += ' ';
    pieces.push_back(Piece{text.size(), at});
    text += value;
  }
  // The piece that holds text[offset] (the last one for offsets past the end).
  const Piece& piece_at(size_t offset) const {
    static const Piece kNowhere;
    if (pieces.empty()) return kNowhere;
    size_t i = pieces.size() - 1;
    while (i > 0 && pieces[i].offset > offset) --i;
    return pieces[i];
  }
  // The scalar of the original definition (file -1 when the text came from no file).
  const Origin& origin() const { return piece_at(0).origin; }
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
  SourcedText condition;
  Origin origin;  // the item
  size_t order = 0;
};

struct RuleInfo {
  std::string name;
  std::string desc;
  SourcedText condition;
  SourcedText output;
  Priority priority = Priority::kDebug;
  std::set<std::string> tags;  // Falco keeps tags as a set: sorted, unique
  std::string source = "syscall";
  bool enabled = true;
  bool warn_evttypes = true;
  bool skip_if_unknown_filter = false;
  std::vector<ExceptionInfo> exceptions;
  Origin origin;
  size_t order = 0;
};

// The lists, macros and rules one scope defines: the cluster-wide ones, or one tenant's.
struct RuleScope {
  std::map<std::string, ListInfo> lists;
  std::map<std::string, MacroInfo> macros;
  std::vector<RuleInfo> rules;            // in definition order; redefinition replaces in place
};

// The cluster-wide scope is the document itself; each tenant's items live apart in `tenants`
// (see engine/rules/rule_text.h for what a tenant may see and do).
struct RuleDocument : RuleScope {
  std::vector<std::string> files;         // paths, in load order
  std::vector<std::string> contents;      // file texts, same order
  std::map<std::string, RuleScope> tenants;  // by tenant (its namespace); empty without tenants
  std::string required_engine_version;    // the last one read, as written
  size_t next_order = 0;                  // definition order across all files
};

}  // namespace peregrine::engine
