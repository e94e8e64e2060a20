#pragma once
// The syntax tree of a condition, as the parser builds it. Nodes are immutable once built and
// shared (macros are referenced, not copied), so subtrees are held by shared_ptr<const Node>.
// Positions are byte offsets into the condition text the node came from.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace peregrine::engine::ast {

enum class Transformer : uint8_t { kToLower, kToUpper, kB64, kBasename };
const char* transformer_name(Transformer t);

// A field reference with the transformers wrapped around it, outermost first:
// `tolower(basename(fd.name))` is {name "fd.name", transformers [kToLower, kBasename]}.
struct FieldExpr {
  std::string name;
  std::optional<std::string> arg;  // the bracket argument, `proc.aname[2]` -> "2"
  std::vector<Transformer> transformers;
  uint32_t pos = 0;
};

// One literal on the right of an operator; `quoted` literals are never list names.
struct Literal {
  std::string text;
  bool quoted = false;
  uint32_t pos = 0;
};

enum class ValueKind : uint8_t { kNone, kLiteral, kList, kListName, kField };

struct Value {
  ValueKind kind = ValueKind::kNone;
  Literal literal;             // kLiteral, kListName (the name)
  std::vector<Literal> items;  // kList
  FieldExpr field;             // kField: `val(proc.pname)` or a transformer on a field
  uint32_t pos = 0;
};

enum class NodeKind : uint8_t { kAnd, kOr, kNot, kCheck, kMacro };

struct Node {
  NodeKind kind = NodeKind::kCheck;
  uint32_t pos = 0;
  std::vector<std::shared_ptr<const Node>> children;  // kAnd, kOr (2+), kNot (1)
  std::string macro;                                  // kMacro
  FieldExpr field;                                    // kCheck
  std::string op;                                     // kCheck: "=", "in", "exists", ...
  uint32_t op_pos = 0;
  Value value;                                        // kCheck (kind kNone for `exists`)
};

using NodePtr = std::shared_ptr<const Node>;

}  // namespace peregrine::engine::ast
