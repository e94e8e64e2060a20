#pragma once
// Parses a condition (Falco's filter language) into an ast::Node tree.
//
// Grammar (EBNF), the one libsinsp documents, with Peregrine's additions marked (+):
//   Expr        ::= OrExpr
//   OrExpr      ::= AndExpr ('or' AndExpr)*
//   AndExpr     ::= NotExpr ('and' NotExpr)*
//   NotExpr     ::= 'not' NotExpr | Check
//   Check       ::= '(' Expr ')' | Field Condition | Transformed Condition | Identifier
//   Transformed ::= ('tolower' | 'toupper' | 'b64' | 'basename'(+)) '(' (Transformed | Field) ')'
//   Field       ::= FieldName ('[' (QuotedStr | ArgBareStr) ']')?
//   Condition   ::= 'exists'
//                 | CmpOp (Value | RhsField)
//                 | ListOp (ListValue | Identifier | RhsField)
//   RhsField    ::= 'val(' Field ')' | Transformed
//   ListValue   ::= '(' (Value (',' Value)*)? ')'
//   Value       ::= QuotedStr | BareStr
//   CmpOp       ::= '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'icontains'
//                 | 'bcontains' | 'startswith' | 'bstartswith' | 'endswith' | 'glob' | 'iglob'
//                 | 'regex'
//   ListOp      ::= 'in' | 'intersects' | 'pmatch'
// Tokens:
//   Identifier  ::= [a-zA-Z_][a-zA-Z0-9_]*               (a macro; after a ListOp, a list)
//   FieldName   ::= [a-zA-Z_][a-zA-Z0-9_]*('.'[a-zA-Z0-9_]+)+
//   ArgBareStr  ::= [^ \t\n\r\[\]"']+
//   QuotedStr   ::= "..." | '...'   (escapes: \\ \" \' \/ \n \r \t \b \f \xHH; others kept as written)
//   BareStr     ::= [^ \t\n\r\f\v(),="']+
// Keywords (and, or, not, word operators) must be followed by a blank or '(' (or end).
// Nesting is capped (kMaxDepth) so hostile input cannot exhaust the stack.

#include <string>
#include <string_view>

#include "common/result.h"
#include "engine/condition/ast.h"

namespace peregrine::engine {

struct ParseError {
  std::string message;
  uint32_t pos = 0;  // byte offset into the condition
};

class ParseResult {
 public:
  ParseResult(ast::NodePtr node) : node_(std::move(node)) {}  // NOLINT
  ParseResult(ParseError error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return node_ != nullptr; }
  const ast::NodePtr& node() const { return node_; }
  const ParseError& error() const { return error_; }

 private:
  ast::NodePtr node_;
  ParseError error_;
};

inline constexpr int kMaxConditionDepth = 256;

ParseResult parse_condition(std::string_view text);

// Reads one list item as written in a YAML `items:` list: a quoted item is unquoted (with
// escapes), anything else is taken as is. Mirrors how Falco substitutes list items into
// conditions as text.
ast::Literal parse_list_item(std::string_view item);

bool is_list_operator(std::string_view op);
bool is_known_operator(std::string_view op);

}  // namespace peregrine::engine
