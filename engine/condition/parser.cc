#include "engine/condition/parser.h"

#include <array>
#include <cctype>

namespace peregrine::engine {
namespace {

constexpr std::array<std::string_view, 13> kWordOps = {
    "bstartswith", "bcontains", "icontains", "contains", "startswith", "endswith", "intersects",
    "exists",      "pmatch",    "iglob",     "glob",     "regex",      "in"};
constexpr std::array<std::string_view, 7> kSymbolOps = {"==", "!=", "<=", ">=", "=", "<", ">"};

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_bare_char(char c) {
  return !is_blank(c) && c != '(' && c != ')' && c != ',' && c != '=' && c != '"' && c != '\'';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  ParseResult run() {
    skip_blanks();
    if (at_end()) return fail("empty condition", 0);
    auto node = parse_or();
    if (!node) return error_;
    skip_blanks();
    if (!at_end()) {
      return fail("unexpected " + describe_here() + " after a complete expression", pos_);
    }
    return node;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
  ParseError error_;
  bool failed_ = false;

  bool at_end() const { return pos_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  void skip_blanks() {
    while (!at_end() && is_blank(s_[pos_])) ++pos_;
  }

  ParseError fail(std::string message, size_t at) {
    if (!failed_) {
      failed_ = true;
      error_ = ParseError{std::move(message), static_cast<uint32_t>(at)};
    }
    return error_;
  }
  std::nullptr_t fail_null(std::string message, size_t at) {
    fail(std::move(message), at);
    return nullptr;
  }

  std::string describe_here() const {
    if (at_end()) return "end of condition";
    size_t end = pos_;
    while (end < s_.size() && !is_blank(s_[end]) && end - pos_ < 20) ++end;
    if (end == pos_) end = pos_ + 1;
    return "'" + std::string(s_.substr(pos_, end - pos_)) + "'";
  }

  // A keyword matches only as a whole word: followed by a blank, '(' or the end.
  bool keyword(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    char next = peek(word.size());
    if (next != '\0' && !is_blank(next) && next != '(') return false;
    pos_ += word.size();
    return true;
  }

  ast::NodePtr combine(ast::NodeKind kind, std::vector<ast::NodePtr> parts, uint32_t pos) {
    if (parts.size() == 1) return std::move(parts[0]);
    auto n = std::make_shared<ast::Node>();
    n->kind = kind;
    n->pos = pos;
    n->children = std::move(parts);
    return n;
  }

  ast::NodePtr parse_or() {
    if (++depth_ > kMaxConditionDepth) return fail_null("condition nests too deeply", pos_);
    uint32_t start = static_cast<uint32_t>(pos_);
    std::vector<ast::NodePtr> parts;
    auto first = parse_and();
    if (!first) return nullptr;
    parts.push_back(std::move(first));
    for (;;) {
      skip_blanks();
      if (!keyword("or")) break;
      skip_blanks();
      auto next = parse_and();
      if (!next) return nullptr;
      parts.push_back(std::move(next));
    }
    --depth_;
    return combine(ast::NodeKind::kOr, std::move(parts), start);
  }

  ast::NodePtr parse_and() {
    uint32_t start = static_cast<uint32_t>(pos_);
    std::vector<ast::NodePtr> parts;
    auto first = parse_not();
    if (!first) return nullptr;
    parts.push_back(std::move(first));
    for (;;) {
      skip_blanks();
      if (!keyword("and")) break;
      skip_blanks();
      auto next = parse_not();
      if (!next) return nullptr;
      parts.push_back(std::move(next));
    }
    return combine(ast::NodeKind::kAnd, std::move(parts), start);
  }

  ast::NodePtr parse_not() {
    skip_blanks();
    uint32_t start = static_cast<uint32_t>(pos_);
    if (keyword("not")) {
      if (++depth_ > kMaxConditionDepth) return fail_null("condition nests too deeply", pos_);
      skip_blanks();
      auto inner = parse_not();
      if (!inner) return nullptr;
      --depth_;
      auto n = std::make_shared<ast::Node>();
      n->kind = ast::NodeKind::kNot;
      n->pos = start;
      n->children.push_back(std::move(inner));
      return n;
    }
    return parse_check();
  }

  std::optional<ast::Transformer> lex_transformer() {
    static constexpr std::pair<std::string_view, ast::Transformer> kNames[] = {
        {"tolower(", ast::Transformer::kToLower},
        {"toupper(", ast::Transformer::kToUpper},
        {"b64(", ast::Transformer::kB64},
        {"basename(", ast::Transformer::kBasename}};
    for (auto& [name, t] : kNames) {
      if (s_.substr(pos_, name.size()) == name) {
        pos_ += name.size();
        return t;
      }
    }
    return std::nullopt;
  }

  // Identifier or dotted field name at the cursor; empty if none.
  std::string_view lex_name() {
    size_t start = pos_;
    if (!is_ident_start(peek())) return {};
    while (!at_end() && is_ident_char(s_[pos_])) ++pos_;
    while (peek() == '.' && is_ident_char(peek(1))) {
      ++pos_;
      while (!at_end() && is_ident_char(s_[pos_])) ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }

  bool parse_field_arg(ast::FieldExpr& f) {
    if (peek() != '[') return true;
    size_t open = pos_++;
    if (peek() == '"' || peek() == '\'') {
      auto lit = lex_quoted();
      if (!lit) return false;
      f.arg = lit->text;
    } else {
      size_t start = pos_;
      while (!at_end() && s_[pos_] != ']' && s_[pos_] != '[' && !is_blank(s_[pos_]) &&
             s_[pos_] != '"' && s_[pos_] != '\'') {
        ++pos_;
      }
      if (pos_ == start) {
        fail("empty field argument", open);
        return false;
      }
      f.arg = std::string(s_.substr(start, pos_ - start));
    }
    if (peek() != ']') {
      fail("expected ']' to close the field argument opened here", open);
      return false;
    }
    ++pos_;
    return true;
  }

  // Field, possibly wrapped in transformers. `allow_plain` is false where only a transformed
  // field may stand (the right of an operator without val()).
  std::optional<ast::FieldExpr> parse_field_expr() {
    ast::FieldExpr f;
    f.pos = static_cast<uint32_t>(pos_);
    int opened = 0;
    while (auto t = lex_transformer()) {
      f.transformers.push_back(*t);
      ++opened;
      skip_blanks();
      if (opened > kMaxConditionDepth) {
        fail("transformers nest too deeply", pos_);
        return std::nullopt;
      }
    }
    size_t name_pos = pos_;
    std::string_view name = lex_name();
    if (name.empty() || name.find('.') == std::string_view::npos) {
      fail(name.empty() ? "expected a field name, found " + describe_here()
                        : "expected a field name (like proc.name), found '" + std::string(name) + "'",
           name_pos);
      return std::nullopt;
    }
    f.name = std::string(name);
    if (opened == 0) f.pos = static_cast<uint32_t>(name_pos);
    if (!parse_field_arg(f)) return std::nullopt;
    for (int i = 0; i < opened; ++i) {
      skip_blanks();
      if (peek() != ')') {
        fail("expected ')' to close the transformer, found " + describe_here(), pos_);
        return std::nullopt;
      }
      ++pos_;
    }
    return f;
  }

  ast::NodePtr parse_check() {
    skip_blanks();
    size_t start = pos_;
    if (at_end()) return fail_null("expected a condition, found end of condition", pos_);
    if (peek() == '(') {
      ++pos_;
      auto inner = parse_or();
      if (!inner) return nullptr;
      skip_blanks();
      if (peek() != ')') {
        return fail_null("expected ')' to close the '(' opened here", start);
      }
      ++pos_;
      return inner;
    }
    auto n = std::make_shared<ast::Node>();
    n->pos = static_cast<uint32_t>(start);
    // A bare identifier (no dot, no transformer) is a macro reference.
    size_t save = pos_;
    std::string_view name = lex_name();
    bool is_macro = !name.empty() && name.find('.') == std::string_view::npos && peek() != '(' &&
                    peek() != '[';
    if (is_macro) {
      if (name == "and" || name == "or" || name == "not") {
        return fail_null("unexpected keyword '" + std::string(name) + "'", start);
      }
      n->kind = ast::NodeKind::kMacro;
      n->macro = std::string(name);
      return n;
    }
    pos_ = save;
    if (name.empty() && !is_ident_start(peek())) {
      return fail_null("expected a field, a macro or '(', found " + describe_here(), pos_);
    }
    auto field = parse_field_expr();
    if (!field) return nullptr;
    n->kind = ast::NodeKind::kCheck;
    n->field = std::move(*field);
    skip_blanks();
    n->op_pos = static_cast<uint32_t>(pos_);
    auto op = lex_operator();
    if (op.empty()) {
      return fail_null("expected an operator after '" + n->field.name + "', found " + describe_here(),
                       pos_);
    }
    n->op = std::string(op);
    if (op == "exists") return n;
    skip_blanks();
    if (!parse_value(n->value, is_list_operator(op))) return nullptr;
    return n;
  }

  std::string_view lex_operator() {
    for (auto op : kSymbolOps) {
      if (s_.substr(pos_, op.size()) == op) {
        pos_ += op.size();
        return op;
      }
    }
    for (auto op : kWordOps) {
        if (s_.substr(pos_, op.size()) == op && !is_ident_char(peek(op.size())) &&
          peek(op.size()) != '.') {
        pos_ += op.size();
        return op;
      }
    }
    return {};
  }

  bool parse_value(ast::Value& v, bool list_op) {
    v.pos = static_cast<uint32_t>(pos_);
    if (s_.substr(pos_, 4) == "val(") {
      pos_ += 4;
      skip_blanks();
      auto f = parse_field_expr();
      if (!f) return false;
      skip_blanks();
      if (peek() != ')') {
        fail("expected ')' to close val(", pos_);
        return false;
      }
      ++pos_;
      v.kind = ast::ValueKind::kField;
      v.field = std::move(*f);
      return true;
    }
    {
      size_t save = pos_;
      if (lex_transformer()) {
        pos_ = save;
        auto f = parse_field_expr();
        if (!f) return false;
        v.kind = ast::ValueKind::kField;
        v.field = std::move(*f);
        return true;
      }
    }
    if (list_op) {
      if (peek() == '(') return parse_list(v);
      size_t start = pos_;
      std::string_view name = lex_name();
      if (!name.empty() && name.find('.') == std::string_view::npos) {
        v.kind = ast::ValueKind::kListName;
        v.literal = ast::Literal{std::string(name), false, static_cast<uint32_t>(start)};
        return true;
      }
      pos_ = start;
      fail("expected a list like (a, b) or a list name, found " + describe_here(), pos_);
      return false;
    }
    auto lit = lex_value();
    if (!lit) return false;
    v.kind = ast::ValueKind::kLiteral;
    v.literal = std::move(*lit);
    return true;
  }

  bool parse_list(ast::Value& v) {
    size_t open = pos_++;
    v.kind = ast::ValueKind::kList;
    skip_blanks();
    if (peek() == ')') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_blanks();
      auto lit = lex_value();
      if (!lit) return false;
      v.items.push_back(std::move(*lit));
      skip_blanks();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ')') {
        ++pos_;
        return true;
      }
      fail(at_end() ? "expected ')' to close the list opened here" : "expected ',' or ')' in list, found " + describe_here(),
           at_end() ? open : pos_);
      return false;
    }
  }

  std::optional<ast::Literal> lex_value() {
    if (peek() == '"' || peek() == '\'') return lex_quoted();
    size_t start = pos_;
    while (!at_end() && is_bare_char(s_[pos_])) ++pos_;
    if (pos_ == start) {
      fail("expected a value, found " + describe_here(), pos_);
      return std::nullopt;
    }
    return ast::Literal{std::string(s_.substr(start, pos_ - start)), false,
                        static_cast<uint32_t>(start)};
  }

  std::optional<ast::Literal> lex_quoted() {
    size_t start = pos_;
    char quote = s_[pos_++];
    ast::Literal lit;
    lit.quoted = true;
    lit.pos = static_cast<uint32_t>(start);
    while (!at_end() && s_[pos_] != quote) {
      char c = s_[pos_++];
      if (c != '\\' || at_end()) {
        lit.text += c;
        continue;
      }
      char e = s_[pos_++];
      switch (e) {
        case 'n': lit.text += '\n'; break;
        case 'r': lit.text += '\r'; break;
        case 't': lit.text += '\t'; break;
        case 'b': lit.text += '\b'; break;
        case 'f': lit.text += '\f'; break;
        case '\\': lit.text += '\\'; break;
        case '"': lit.text += '"'; break;
        case '\'': lit.text += '\''; break;
        case '/': lit.text += '/'; break;
        case 'x': {
          auto hex = [](char h) -> int {
            if (h >= '0' && h <= '9') return h - '0';
            if (h >= 'a' && h <= 'f') return h - 'a' + 10;
            if (h >= 'A' && h <= 'F') return h - 'A' + 10;
            return -1;
          };
          int hi = hex(peek()), lo = hex(peek(1));
          if (hi < 0 || lo < 0) {
            fail("\\x needs two hex digits", pos_ - 2);
            return std::nullopt;
          }
          lit.text += static_cast<char>(hi * 16 + lo);
          pos_ += 2;
          break;
        }
        default:
          // Unknown escapes stay as written, so regexes like "\d" survive.
          lit.text += '\\';
          lit.text += e;
      }
    }
    if (at_end()) {
      fail("unterminated quoted string", start);
      return std::nullopt;
    }
    ++pos_;
    return lit;
  }
};

}  // namespace

const char* ast::transformer_name(Transformer t) {
  switch (t) {
    case Transformer::kToLower: return "tolower";
    case Transformer::kToUpper: return "toupper";
    case Transformer::kB64: return "b64";
    case Transformer::kBasename: return "basename";
  }
  return "?";
}

ParseResult parse_condition(std::string_view text) { return Parser(text).run(); }

ast::Literal parse_list_item(std::string_view item) {
  if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') &&
      item.back() == item.front()) {
    // Reuse the condition lexer so list items and inline values unescape alike.
    std::string cond = "x.x in (" + std::string(item) + ")";
    auto r = parse_condition(cond);
    if (r.ok() && r.node()->kind == ast::NodeKind::kCheck && r.node()->value.items.size() == 1) {
      auto lit = r.node()->value.items[0];
      lit.pos = 0;
      return lit;
    }
  }
  return ast::Literal{std::string(item), false, 0};
}

bool is_list_operator(std::string_view op) {
  return op == "in" || op == "intersects" || op == "pmatch";
}

bool is_known_operator(std::string_view op) {
  for (auto o : kWordOps)
    if (o == op) return true;
  for (auto o : kSymbolOps)
    if (o == op) return true;
  return false;
}

}  // namespace peregrine::engine
