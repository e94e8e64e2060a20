#include "engine/rules/rule_compiler.h"

#include <algorithm>
#include <functional>

#include "common/strings.h"
#include "engine/condition/parser.h"
#include "engine/rules/exception_condition.h"
#include "engine/rules/rule_text.h"
#include "engine/rules/source_locator.h"

namespace peregrine::engine {
namespace {

class RuleCompiler {
 public:
  RuleCompiler(const RuleDocument& doc, const std::vector<const EventSource*>& sources,
               LoadReport& report)
      : doc_(doc), sources_(sources), report_(report) {
    for (const auto& c : doc.contents) locators_.emplace_back(c);
  }

  std::shared_ptr<const Ruleset> run() {
    scopes_.push_back(Scope{"", &doc_, {}, {}, {}});
    for (const auto& [tenant, items] : doc_.tenants) scopes_.push_back(Scope{tenant, &items, {}, {}, {}});
    for (Scope& s : scopes_) {
      if (!s.tenant.empty()) inherit_cluster_definitions(s);
      expand_lists(s);
      parse_macros(s);
    }
    std::vector<std::unique_ptr<SourceRuleset>> compiled;
    for (const EventSource* source : sources_) {
      auto s = compile_source(*source);
      if (s) compiled.push_back(std::move(s));
    }
    report_unknown_sources();
    warn_unused();
    if (!report_.ok()) return nullptr;
    return std::make_shared<const Ruleset>(std::move(compiled));
  }

 private:
  const RuleDocument& doc_;
  const std::vector<const EventSource*>& sources_;
  LoadReport& report_;
  std::vector<SourceLocator> locators_;

  // The cluster-wide items (scopes_[0]) or one tenant's, with what their conditions may name.
  struct Scope {
    std::string tenant;      // "" cluster-wide
    const RuleScope* items;  // defined by this scope
    Definitions defs;        // for a tenant: its own, then the cluster-wide ones
    std::set<std::string> used_macros;  // names used; warn_unused checks this scope's own items
    std::set<std::string> used_lists;
  };
  std::vector<Scope> scopes_;
  Scope& cluster() { return scopes_.front(); }

  // A tenant's conditions see the cluster-wide lists and macros, except names it defines.
  void inherit_cluster_definitions(Scope& s) {
    s.defs = cluster().defs;
    for (const auto& [name, info] : s.items->lists) s.defs.lists.erase(name);
    for (const auto& [name, info] : s.items->macros) s.defs.macros.erase(name);
  }
  // A name used from scope `s` counts for the scope that defines it: its own, else cluster-wide.
  void use_macro(Scope& s, const std::string& name) {
    (s.items->macros.contains(name) ? s : cluster()).used_macros.insert(name);
  }
  void use_list(Scope& s, const std::string& name) {
    (s.items->lists.contains(name) ? s : cluster()).used_lists.insert(name);
  }
  const MacroInfo& macro_info(const Scope& s, const std::string& name) const {
    auto own = s.items->macros.find(name);
    return own != s.items->macros.end() ? own->second : doc_.macros.at(name);
  }

  FileReport& file_report(int file) { return report_.files.at(static_cast<size_t>(file)); }

  void add(bool error, const Origin& at, std::string code, std::string message, std::string item,
           std::optional<TextPos> pos = std::nullopt) {
    if (at.file < 0) return;
    Diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.file = doc_.files.at(static_cast<size_t>(at.file));
    d.line = pos ? pos->line : at.line;
    d.column = pos ? pos->column : at.column;
    d.item = std::move(item);
    auto& fr = file_report(at.file);
    (error ? fr.errors : fr.warnings).push_back(std::move(d));
  }

  // Reports a problem at text[offset]: in the file and at the line and column of the piece
  // (definition or append) that holds that character.
  void add_in_text(bool error, const SourcedText& text, uint32_t offset, std::string code,
                   std::string message, std::string item) {
    const SourcedText::Piece& piece = text.piece_at(offset);
    size_t end = text.text.size();
    for (const auto& p : text.pieces)
      if (p.offset > piece.offset) end = std::min(end, p.offset - 1);  // the joining blank
    std::string_view value = std::string_view(text.text).substr(piece.offset, end - piece.offset);
    if (piece.origin.file < 0) return;
    TextPos pos = locators_.at(static_cast<size_t>(piece.origin.file))
                      .locate(piece.origin.offset, value, offset - piece.offset);
    add(error, piece.origin, std::move(code), std::move(message), std::move(item), pos);
  }

  // Lists may name other lists, defined anywhere in the loaded files (of the scope, or
  // cluster-wide ones, already expanded in a tenant's defs).
  void expand_lists(Scope& s) {
    std::set<std::string> visiting;
    std::function<const std::vector<ast::Literal>*(const std::string&)> expand =
        [&](const std::string& name) -> const std::vector<ast::Literal>* {
      if (auto it = s.defs.lists.find(name); it != s.defs.lists.end()) return &it->second;
      const ListInfo& info = s.items->lists.at(name);
      if (!visiting.insert(name).second) {
        add(true, info.origin, "list-cycle", "list '" + name + "' contains itself", "list '" + name + "'");
        return nullptr;
      }
      std::vector<ast::Literal> items;
      for (const auto& raw : info.items) {
        ast::Literal lit = parse_list_item(raw);
        bool known = s.items->lists.contains(lit.text) || s.defs.lists.contains(lit.text);
        if (!lit.quoted && lit.text != name && known) {
          use_list(s, lit.text);
          if (const auto* inner = expand(lit.text)) items.insert(items.end(), inner->begin(), inner->end());
          continue;
        }
        items.push_back(std::move(lit));
      }
      visiting.erase(name);
      return &(s.defs.lists[name] = std::move(items));
    };
    for (const auto& [name, info] : s.items->lists) expand(name);
  }

  void parse_macros(Scope& s) {
    for (const auto& [name, info] : s.items->macros) {
      auto parsed = parse_condition(info.condition.text);
      if (!parsed.ok()) {
        add_in_text(true, info.condition, parsed.error().pos, "condition-syntax", parsed.error().message,
                    "macro '" + name + "'");
        continue;
      }
      s.defs.macros[name] = MacroDef{name, parsed.node()};
    }
  }

  // Reports a compile error at the text that holds it: the rule's condition, or a macro's.
  void report_compile_error(const Scope& s, bool error, const RuleInfo& rule, const CompileError& e,
                            const std::string& code, const std::string& suffix = "") {
    std::string item = "rule '" + rule.name + "'";
    if (!e.in_macro.empty()) {
      const MacroInfo& m = macro_info(s, e.in_macro);
      add_in_text(error, m.condition, e.pos, code, e.message + " (in macro '" + e.in_macro + "')" + suffix, item);
      return;
    }
    add_in_text(error, rule.condition, e.pos, code, e.message + suffix, item);
  }

  // Falco warns when a rule can match no particular event type, or more than 100 of them
  // (`evt.type != x` is every type but one).
  static bool matches_too_many_types(const EventTypeSet& types) {
    if (!types) return true;
    return std::count(types->begin(), types->end(), true) > 100;
  }

  static bool is_unknown_field_error(const std::string& message) {
    return message.starts_with("unknown field") || message.starts_with("unknown event type");
  }

  std::unique_ptr<SourceRuleset> compile_source(const EventSource& source) {
    auto fields = std::make_unique<FieldTable>();
    std::vector<CompiledRule> rules;
    // Cluster-wide rules first: with first-match evaluation a tenant's rule must not hide them.
    for (Scope& s : scopes_) {
      ConditionCompiler compiler(source, *fields, s.defs);
      for (const auto& r : s.items->rules) {
        if (r.source != source.name()) continue;
        if (auto rule = compile_rule(s, r, source, compiler)) rules.push_back(std::move(*rule));
      }
      for (const auto& name : compiler.used_macros()) use_macro(s, name);
      for (const auto& name : compiler.used_lists()) use_list(s, name);
    }
    if (rules.empty()) return nullptr;
    return std::make_unique<SourceRuleset>(source, std::move(fields), std::move(rules));
  }

  std::optional<CompiledRule> compile_rule(const Scope& s, const RuleInfo& r, const EventSource& source,
                                           ConditionCompiler& compiler) {
    std::string item = "rule '" + r.name + "'";
    auto parsed = parse_condition(r.condition.text);
    if (!parsed.ok()) {
      add_in_text(true, r.condition, parsed.error().pos, "condition-syntax", parsed.error().message, item);
      return std::nullopt;
    }
    auto cond = compiler.compile(parsed.node());
    if (!cond) {
      if (r.skip_if_unknown_filter && is_unknown_field_error(compiler.error().message)) {
        report_compile_error(s, false, r, compiler.error(), "rule-skipped", "; rule skipped (skip-if-unknown-filter)");
        return std::nullopt;
      }
      report_compile_error(s, true, r, compiler.error(), "condition-compile");
      return std::nullopt;
    }
    CompiledRule out;
    out.name = r.name;
    out.tenant = s.tenant;
    out.desc = r.desc;
    out.priority = r.priority;
    out.tags.assign(r.tags.begin(), r.tags.end());
    out.enabled = r.enabled;
    out.event_types = std::move(cond->event_types);
    std::vector<ProgramPtr> parts;
    if (!s.tenant.empty()) {
      // Joined as programs, not text: nothing in the rule's own text can escape the guard. It
      // goes first so that other namespaces' events stop there.
      auto guard = compile_tenant_guard(s.tenant, r, compiler);
      if (!guard) return std::nullopt;
      parts.push_back(std::move(guard));
    }
    parts.push_back(std::move(cond->program));
    for (const auto& ex : r.exceptions) {
      auto p = compile_exception(r, ex, source, compiler);
      if (!p) return std::nullopt;
      if (*p) parts.push_back(make_not(std::move(*p)));
    }
    out.condition = make_and(std::move(parts));

    OutputError oerr;
    auto output = OutputFormat::compile(r.output.text, compiler, oerr);
    if (!output) {
      add_in_text(true, r.output, oerr.pos, "output-field", oerr.message, item);
      return std::nullopt;
    }
    out.output = std::move(*output);
    if (source.event_types() && r.warn_evttypes && matches_too_many_types(out.event_types)) {
      add(false, r.condition.origin(), "no-event-type",
          "condition does not restrict evt.type to a few event types, so the rule runs on (nearly) "
          "every event; add e.g. 'evt.type in (...)' or set warn_evttypes: false",
          item);
    }
    return out;
  }

  // Null (error reported) when the guard does not compile, which the reader's checks of the
  // tenant and the rule's source should make impossible.
  ProgramPtr compile_tenant_guard(const std::string& tenant, const RuleInfo& r, ConditionCompiler& compiler) {
    std::string item = "rule '" + r.name + "'";
    auto text = tenant_guard(tenant, r.source);
    if (!text) {
      add(true, r.origin, "tenant-source", text.error().message, item);
      return nullptr;
    }
    auto parsed = parse_condition(*text);
    std::optional<CompiledCondition> compiled;
    if (parsed.ok()) compiled = compiler.compile(parsed.node());
    if (!compiled) {
      add(true, r.origin, "tenant-guard", "tenant guard '" + *text + "' does not compile", item);
      compiler.reset_error();
      return nullptr;
    }
    return std::move(compiled->program);
  }

  // nullopt: error reported. A null ProgramPtr: the exception has no values (excludes nothing).
  std::optional<ProgramPtr> compile_exception(const RuleInfo& r, const ExceptionInfo& ex,
                                              const EventSource& source, ConditionCompiler& compiler) {
    std::string item = "rule '" + r.name + "'";
    for (const auto& f : exception_fields(ex)) {
      auto parsed = parse_condition(f + " exists");
      bool ok = parsed.ok() && parsed.node()->kind == ast::NodeKind::kCheck;
      if (ok) {
        const auto& fe = parsed.node()->field;
        std::optional<std::string_view> arg;
        if (fe.arg) arg = *fe.arg;
        auto ref = source.fields().resolve(fe.name, arg);
        if (!ref) {
          add(true, ex.origin, "exception-field", "exception '" + ex.name + "': " + ref.error().message, item);
          return std::nullopt;
        }
      } else {
        add(true, ex.origin, "exception-field", "exception '" + ex.name + "': '" + f + "' is not a field", item);
        return std::nullopt;
      }
    }
    auto text = exception_condition(ex);
    if (!text) {
      add(true, ex.origin, "exception-values", text.error().message, item);
      return std::nullopt;
    }
    if (text->empty()) return ProgramPtr();
    auto parsed = parse_condition(*text);
    if (!parsed.ok()) {
      add(true, ex.origin, "exception-syntax",
          "exception '" + ex.name + "' compiles to invalid condition '" + *text + "': " + parsed.error().message, item);
      return std::nullopt;
    }
    auto compiled = compiler.compile(parsed.node());
    if (!compiled) {
      const auto& e = compiler.error();
      add(true, ex.origin, "exception-compile", "exception '" + ex.name + "': " + e.message, item);
      return std::nullopt;
    }
    return std::move(compiled->program);
  }

  void report_unknown_sources() {
    for (Scope& s : scopes_) {
      for (const auto& r : s.items->rules) {
        bool known = false;
        for (const auto* source : sources_) known = known || source->name() == r.source;
        if (!known) {
          add(false, r.origin, "unknown-source", "unknown source '" + r.source + "'; rule skipped", "rule '" + r.name + "'");
          // Its macros and lists are not "unused": they belong to a source we do not run.
          std::set<std::string> seen;
          if (auto p = parse_condition(r.condition.text); p.ok()) mark_used(s, *p.node(), seen);
        }
      }
    }
  }

  void mark_used(Scope& s, const ast::Node& n, std::set<std::string>& seen) {
    if (n.kind == ast::NodeKind::kMacro) {
      use_macro(s, n.macro);
      if (!seen.insert(n.macro).second) return;
      if (auto it = s.defs.macros.find(n.macro); it != s.defs.macros.end()) mark_used(s, *it->second.ast, seen);
      return;
    }
    for (const auto& c : n.children) mark_used(s, *c, seen);
    for (const auto& i : n.value.items) use_list(s, i.text);
    if (n.value.kind == ast::ValueKind::kListName) use_list(s, n.value.literal.text);
  }

  // As Falco: a macro counts as used when a rule or any other macro names it, a list when a
  // rule, a macro or another list does (even a macro that no rule uses).
  void warn_unused() {
    for (Scope& s : scopes_) {
      for (const auto& [name, info] : s.items->macros)
        if (auto it = s.defs.macros.find(name); it != s.defs.macros.end()) mark_names(s, *it->second.ast);
    }
    for (const Scope& s : scopes_) {
      for (const auto& [name, m] : s.items->macros) {
        if (!s.used_macros.contains(name)) {
          add(false, m.origin, "unused-macro", "macro '" + name + "' is not used by any rule or macro",
              "macro '" + name + "'");
        }
      }
      for (const auto& [name, l] : s.items->lists) {
        if (!s.used_lists.contains(name)) {
          add(false, l.origin, "unused-list", "list '" + name + "' is not used by any rule, macro or list",
              "list '" + name + "'");
        }
      }
    }
  }

  // Marks the macros and lists one condition names (without following macros).
  void mark_names(Scope& s, const ast::Node& n) {
    if (n.kind == ast::NodeKind::kMacro) use_macro(s, n.macro);
    for (const auto& c : n.children) mark_names(s, *c);
    for (const auto& i : n.value.items)
      if (!i.quoted) use_list(s, i.text);
    bool word = n.value.kind == ast::ValueKind::kListName ||
                (n.value.kind == ast::ValueKind::kLiteral && !n.value.literal.quoted);
    if (word) use_list(s, n.value.literal.text);
  }
};

}  // namespace

std::shared_ptr<const Ruleset> compile_rules(const RuleDocument& doc,
                                             const std::vector<const EventSource*>& sources,
                                             LoadReport& report) {
  return RuleCompiler(doc, sources, report).run();
}

}  // namespace peregrine::engine
