#pragma once
// The macros and lists a condition may name, as the rule loader hands them to the compiler:
// macros already parsed, lists already expanded (lists inside lists resolved).

#include <string>
#include <unordered_map>
#include <vector>

#include "engine/condition/ast.h"

namespace peregrine::engine {

struct MacroDef {
  std::string name;
  ast::NodePtr ast;  // never null: a macro that failed to parse is left out
};

struct Definitions {
  std::unordered_map<std::string, MacroDef> macros;
  std::unordered_map<std::string, std::vector<ast::Literal>> lists;
};

}  // namespace peregrine::engine
