// The condition parser: precedence, grouping, every operator, values as Falco writes them,
// field arguments, transformers, and error messages with their byte positions.

#include "engine/condition/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace peregrine::engine {
namespace {

std::string field_text(const ast::FieldExpr& f) {
  std::string out = f.name;
  if (f.arg) out += "[" + *f.arg + "]";
  for (auto it = f.transformers.rbegin(); it != f.transformers.rend(); ++it) {
    out = std::string(ast::transformer_name(*it)) + "(" + out + ")";
  }
  return out;
}

std::string literal_text(const ast::Literal& l) { return l.quoted ? "\"" + l.text + "\"" : l.text; }

// A compact rendering of the tree: (and ...), (or ...), (not ...), macro names, and checks as
// [field op value]; list names are @name, val() fields val(f), quoted literals "...".
std::string sexpr(const ast::Node& n) {
  switch (n.kind) {
    case ast::NodeKind::kAnd:
    case ast::NodeKind::kOr:
    case ast::NodeKind::kNot: {
      std::string out = n.kind == ast::NodeKind::kAnd ? "(and" : n.kind == ast::NodeKind::kOr ? "(or" : "(not";
      for (const auto& c : n.children) out += " " + sexpr(*c);
      return out + ")";
    }
    case ast::NodeKind::kMacro:
      return n.macro;
    case ast::NodeKind::kCheck: {
      std::string out = "[" + field_text(n.field) + " " + n.op;
      switch (n.value.kind) {
        case ast::ValueKind::kNone: break;
        case ast::ValueKind::kLiteral: out += " " + literal_text(n.value.literal); break;
        case ast::ValueKind::kListName: out += " @" + n.value.literal.text; break;
        case ast::ValueKind::kField: out += " val(" + field_text(n.value.field) + ")"; break;
        case ast::ValueKind::kList: {
          out += " (";
          for (size_t i = 0; i < n.value.items.size(); ++i) {
            if (i) out += ",";
            out += literal_text(n.value.items[i]);
          }
          out += ")";
          break;
        }
      }
      return out + "]";
    }
  }
  return "?";
}

std::string parse(std::string_view text) {
  auto r = parse_condition(text);
  if (!r.ok()) return "error@" + std::to_string(r.error().pos) + ": " + r.error().message;
  return sexpr(*r.node());
}

ParseError parse_error(std::string_view text) {
  auto r = parse_condition(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << (r.ok() ? sexpr(*r.node()) : "");
  return r.ok() ? ParseError{} : r.error();
}

TEST(ParserPrecedence, NotBindsTighterThanAndTighterThanOr) {
  EXPECT_EQ(parse("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(parse("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(parse("not a and b"), "(and (not a) b)");
  EXPECT_EQ(parse("not a or not b and c"), "(or (not a) (and (not b) c))");
  EXPECT_EQ(parse("a and b and c or d or e"), "(or (and a b c) d e)");
  EXPECT_EQ(parse("not not a"), "(not (not a))");
}

TEST(ParserPrecedence, ParenthesesGroup) {
  EXPECT_EQ(parse("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(parse("not (a or b)"), "(not (or a b))");
  EXPECT_EQ(parse("((a))"), "a");
  EXPECT_EQ(parse("( a and ( b or c ) )"), "(and a (or b c))");
}

TEST(ParserPrecedence, KeywordsGluedToParentheses) {
  EXPECT_EQ(parse("not(a)"), "(not a)");
  EXPECT_EQ(parse("(a)and(b)"), "(and a b)");
  EXPECT_EQ(parse("(a)or(b)"), "(or a b)");
  EXPECT_EQ(parse("a and not(b or c)"), "(and a (not (or b c)))");
  EXPECT_EQ(parse("proc.name in (a)and(b)"), "(and [proc.name in (a)] b)");
}

TEST(ParserPrecedence, MacroNamesThatStartWithKeywords) {
  EXPECT_EQ(parse("not_allowed and order or android"), "(or (and not_allowed order) android)");
  EXPECT_EQ(parse("nothing"), "nothing");
}

TEST(ParserPrecedence, BlanksOfEveryKind) {
  EXPECT_EQ(parse("\ta\nand\r\nb  "), "(and a b)");
  EXPECT_EQ(parse("  proc.name\n=\tbash  "), "[proc.name = bash]");
}

TEST(ParserOperators, EveryOperator) {
  for (const char* op : {"=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains",
                         "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob",
                         "regex"}) {
    EXPECT_EQ(parse(std::string("fd.name ") + op + " x"), std::string("[fd.name ") + op + " x]");
    EXPECT_TRUE(is_known_operator(op)) << op;
    EXPECT_FALSE(is_list_operator(op)) << op;
  }
  for (const char* op : {"in", "intersects", "pmatch"}) {
    EXPECT_EQ(parse(std::string("fd.name ") + op + " (x)"), std::string("[fd.name ") + op + " (x)]");
    EXPECT_TRUE(is_list_operator(op)) << op;
  }
  EXPECT_EQ(parse("fd.name exists"), "[fd.name exists]");
  EXPECT_EQ(parse("fd.name exists and a"), "(and [fd.name exists] a)");
  EXPECT_FALSE(is_known_operator("like"));
}

TEST(ParserOperators, NoBlanksAroundSymbols) {
  EXPECT_EQ(parse("fd.typechar='f'"), "[fd.typechar = \"f\"]");
  EXPECT_EQ(parse("fd.num>=0"), "[fd.num >= 0]");
  EXPECT_EQ(parse("fd.num<=0"), "[fd.num <= 0]");
  EXPECT_EQ(parse("fd.num>0"), "[fd.num > 0]");
  EXPECT_EQ(parse("fd.num<0"), "[fd.num < 0]");
  EXPECT_EQ(parse("fd.num!=0"), "[fd.num != 0]");
  EXPECT_EQ(parse("fd.num==0"), "[fd.num == 0]");
  EXPECT_EQ(parse("evt.type in(open,openat)"), "[evt.type in (open,openat)]");
  EXPECT_EQ(parse("proc.name=bash and fd.num=3"), "(and [proc.name = bash] [fd.num = 3])");
}

TEST(ParserOperators, WordOperatorsNeedAWordBoundary) {
  // `inside` is not `in` followed by `side`.
  EXPECT_EQ(parse("proc.name inside").substr(0, 6), "error@");
  EXPECT_EQ(parse("proc.name contains\"x\""), "[proc.name contains \"x\"]");
}

TEST(ParserValues, BareStringsThatLookLikeFields) {
  EXPECT_EQ(parse("proc.name = reload.sh"), "[proc.name = reload.sh]");
  EXPECT_EQ(parse("proc.pname=java.lang.Thread"), "[proc.pname = java.lang.Thread]");
}

TEST(ParserValues, BareStringsWithBracketsColonsAndSlashes) {
  EXPECT_EQ(parse("proc.pname in (runc:[0:PARENT], runc:[1:CHILD])"),
            "[proc.pname in (runc:[0:PARENT],runc:[1:CHILD])]");
  EXPECT_EQ(parse("fd.name startswith /var/run/docker.sock"), "[fd.name startswith /var/run/docker.sock]");
  EXPECT_EQ(parse("proc.cmdline contains -c*"), "[proc.cmdline contains -c*]");
  EXPECT_EQ(parse("fd.sport in (80,443 , 8080)"), "[fd.sport in (80,443,8080)]");
}

TEST(ParserValues, QuotedStringsWithEscapes) {
  EXPECT_EQ(parse("proc.name = \"a b\""), "[proc.name = \"a b\"]");
  EXPECT_EQ(parse("proc.name = 'a b'"), "[proc.name = \"a b\"]");
  auto lit = [](std::string_view cond) {
    auto r = parse_condition(cond);
    EXPECT_TRUE(r.ok()) << cond;
    return r.ok() ? r.node()->value.literal.text : std::string();
  };
  EXPECT_EQ(lit(R"(fd.name = "say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(lit(R"(fd.name = 'it\'s')"), "it's");
  EXPECT_EQ(lit(R"(fd.name = "a\\b")"), "a\\b");
  EXPECT_EQ(lit(R"(fd.name = "tab\there\nnl")"), "tab\there\nnl");
  EXPECT_EQ(lit(R"(fd.name = "\x41\x42")"), "AB");
  EXPECT_EQ(lit(R"(fd.name = "\/etc")"), "/etc");
  // Other escapes are kept as written so regular expressions survive.
  EXPECT_EQ(lit(R"(fd.name regex "\d+\.log")"), R"(\d+\.log)");
  // The other quote needs no escape; blanks, commas and parentheses are plain text inside.
  EXPECT_EQ(lit(R"x(fd.name = "it's (a, b)")x"), "it's (a, b)");
  EXPECT_EQ(lit("fd.name = ''"), "");
}

TEST(ParserValues, ListLiterals) {
  EXPECT_EQ(parse("proc.name in ()"), "[proc.name in ()]");
  EXPECT_EQ(parse("proc.name in ( )"), "[proc.name in ()]");
  EXPECT_EQ(parse("proc.name in (a)"), "[proc.name in (a)]");
  EXPECT_EQ(parse("proc.name in ( a , 'b c' ,\"d\" )"), "[proc.name in (a,\"b c\",\"d\")]");
  EXPECT_EQ(parse("proc.name in (\n  a,\n  b\n)"), "[proc.name in (a,b)]");
  EXPECT_EQ(parse("proc.name in (shell_binaries, sh)"), "[proc.name in (shell_binaries,sh)]");
  EXPECT_EQ(parse("proc.name in shell_binaries"), "[proc.name in @shell_binaries]");
  EXPECT_EQ(parse("proc.name pmatch (/etc, /usr)"), "[proc.name pmatch (/etc,/usr)]");
}

TEST(ParserFields, Arguments) {
  EXPECT_EQ(parse("proc.aname[2]=bash"), "[proc.aname[2] = bash]");
  EXPECT_EQ(parse("evt.arg.flags contains O_RDONLY"), "[evt.arg.flags contains O_RDONLY]");
  EXPECT_EQ(parse("evt.arg[0] = 3"), "[evt.arg[0] = 3]");
  EXPECT_EQ(parse("jevt.value[/a/b] = x"), "[jevt.value[/a/b] = x]");
  EXPECT_EQ(parse("proc.env[\"HOME\"] = /root"), "[proc.env[HOME] = /root]");
  EXPECT_EQ(parse("ka.req.pod.containers.image[0] startswith docker.io/"),
            "[ka.req.pod.containers.image[0] startswith docker.io/]");
  EXPECT_EQ(parse("container.mount.dest[/var/run/docker.sock] exists"),
            "[container.mount.dest[/var/run/docker.sock] exists]");
}

TEST(ParserFields, Transformers) {
  EXPECT_EQ(parse("tolower(proc.name) = bash"), "[tolower(proc.name) = bash]");
  EXPECT_EQ(parse("toupper(proc.name) = BASH"), "[toupper(proc.name) = BASH]");
  EXPECT_EQ(parse("b64(proc.env[X]) contains x"), "[b64(proc.env[X]) contains x]");
  EXPECT_EQ(parse("basename(fd.name) = shadow"), "[basename(fd.name) = shadow]");
  EXPECT_EQ(parse("tolower(basename(fd.name)) in (shadow)"), "[tolower(basename(fd.name)) in (shadow)]");
  EXPECT_EQ(parse("toupper( b64( proc.args ) ) exists"), "[toupper(b64(proc.args)) exists]");
  auto r = parse_condition("tolower(basename(fd.name)) = x");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.node()->field.transformers.size(), 2u);
  EXPECT_EQ(r.node()->field.transformers[0], ast::Transformer::kToLower);  // outermost first
  EXPECT_EQ(r.node()->field.transformers[1], ast::Transformer::kBasename);
  EXPECT_EQ(r.node()->field.pos, 0u);
}

TEST(ParserFields, FieldsOnTheRight) {
  EXPECT_EQ(parse("proc.name = val(proc.pname)"), "[proc.name = val(proc.pname)]");
  EXPECT_EQ(parse("proc.name != val( proc.aname[2] )"), "[proc.name != val(proc.aname[2])]");
  EXPECT_EQ(parse("proc.name = tolower(proc.pname)"), "[proc.name = val(tolower(proc.pname))]");
  EXPECT_EQ(parse("proc.name in val(proc.pname)"), "[proc.name in val(proc.pname)]");
}

TEST(ParserPositions, NodesRememberWhereTheyStart) {
  auto r = parse_condition("a and  proc.name  =  bash");
  ASSERT_TRUE(r.ok());
  const ast::Node& check = *r.node()->children[1];
  EXPECT_EQ(check.pos, 7u);
  EXPECT_EQ(check.field.pos, 7u);
  EXPECT_EQ(check.op_pos, 18u);
  EXPECT_EQ(check.value.pos, 21u);
  EXPECT_EQ(check.value.literal.pos, 21u);
  auto list = parse_condition("x.y in (a, 'b')");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list.node()->value.items[0].pos, 8u);
  EXPECT_EQ(list.node()->value.items[1].pos, 11u);
}

TEST(ParserErrors, MessagesAndPositions) {
  struct Case {
    const char* text;
    uint32_t pos;
    const char* message;
  };
  const Case cases[] = {
      {"", 0, "empty condition"},
      {"   ", 0, "empty condition"},
      {"proc.name = \"abc", 12, "unterminated quoted string"},
      {"proc.name in ('a', 'b)", 19, "unterminated quoted string"},
      {"(a and b", 0, "expected ')' to close the '(' opened here"},
      {"a and (b or (c)", 6, "expected ')' to close the '(' opened here"},
      {"proc.name bash", 10, "expected an operator after 'proc.name', found 'bash'"},
      {"proc.name", 9, "expected an operator after 'proc.name', found end of condition"},
      {"a and", 5, "expected a condition, found end of condition"},
      {"a or ", 5, "expected a condition, found end of condition"},
      {"not", 3, "expected a condition, found end of condition"},
      {"a b", 2, "unexpected 'b' after a complete expression"},
      {"proc.name = a b", 14, "unexpected 'b' after a complete expression"},
      {"(a) )", 4, "unexpected ')' after a complete expression"},
      {"and", 0, "unexpected keyword 'and'"},
      {"a and or", 6, "unexpected keyword 'or'"},
      {"proc.name in (a, b", 13, "expected ')' to close the list opened here"},
      {"proc.name in (a b)", 16, "expected ',' or ')' in list, found 'b)'"},
      {"proc.name in (a,)", 16, "expected a value, found ')'"},
      {"proc.name in a.b", 13, "expected a list like (a, b) or a list name, found 'a.b'"},
      {"proc.name =", 11, "expected a value, found end of condition"},
      {"proc.name = )", 12, "expected a value, found ')'"},
      {"= bash", 0, "expected a field, a macro or '(', found '='"},
      {"proc.aname[2 = x", 10, "expected ']' to close the field argument opened here"},
      {"proc.aname[] = x", 10, "empty field argument"},
      {"tolower(proc.name = x", 18, "expected ')' to close the transformer, found '='"},
      {"tolower(name) = x", 8, "expected a field name (like proc.name), found 'name'"},
      {"proc.name = val(proc.pname", 26, "expected ')' to close val("},
      {"proc.name = \"\\xZZ\"", 13, "\\x needs two hex digits"},
  };
  for (const auto& c : cases) {
    ParseError e = parse_error(c.text);
    EXPECT_EQ(e.message, c.message) << "condition: " << c.text;
    EXPECT_EQ(e.pos, c.pos) << "condition: " << c.text;
  }
}

TEST(ParserErrors, NestingIsCapped) {
  std::string deep(kMaxConditionDepth + 10, '(');
  deep += "a";
  deep += std::string(kMaxConditionDepth + 10, ')');
  ParseError e = parse_error(deep);
  EXPECT_EQ(e.message, "condition nests too deeply");

  std::string nots;
  for (int i = 0; i < kMaxConditionDepth + 10; ++i) nots += "not ";
  EXPECT_EQ(parse_error(nots + "a").message, "condition nests too deeply");

  std::string transformers;
  for (int i = 0; i < kMaxConditionDepth + 10; ++i) transformers += "tolower(";
  EXPECT_EQ(parse_error(transformers + "proc.name) = x").message, "transformers nest too deeply");

  // Well within the cap is fine.
  std::string ok(50, '(');
  ok += "a" + std::string(50, ')');
  EXPECT_EQ(parse(ok), "a");
}

TEST(ParserListItems, YamlItemsAsFalcoSubstitutesThem) {
  auto item = [](std::string_view raw) { return parse_list_item(raw); };
  EXPECT_EQ(item("bash").text, "bash");
  EXPECT_FALSE(item("bash").quoted);
  EXPECT_EQ(item("\"(systemd)\"").text, "(systemd)");
  EXPECT_TRUE(item("\"(systemd)\"").quoted);
  EXPECT_EQ(item("'sh -c uname -p 2> /dev/null'").text, "sh -c uname -p 2> /dev/null");
  EXPECT_EQ(item("\"a\\\"b\"").text, "a\"b");
  EXPECT_EQ(item("has blanks").text, "has blanks");
  EXPECT_EQ(item("443").text, "443");
  EXPECT_EQ(item("\"").text, "\"");  // a lone quote is just a character
  EXPECT_EQ(item("").text, "");
}

}  // namespace
}  // namespace peregrine::engine
