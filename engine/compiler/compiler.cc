#include "engine/compiler/compiler.h"

#include <algorithm>

#include "common/strings.h"
#include "engine/compiler/checks/check.h"
#include "engine/compiler/logic.h"

namespace peregrine::engine {
namespace {

EventTypeSet unite(EventTypeSet a, const EventTypeSet& b) {
  if (!a || !b) return std::nullopt;
  for (size_t i = 0; i < a->size(); ++i) (*a)[i] = (*a)[i] || (*b)[i];
  return a;
}

EventTypeSet intersect(EventTypeSet a, const EventTypeSet& b) {
  if (!a) return b;
  if (!b) return a;
  for (size_t i = 0; i < a->size(); ++i) (*a)[i] = (*a)[i] && (*b)[i];
  return a;
}

std::vector<std::string> keys_of(const auto& map) {
  std::vector<std::string> out;
  for (const auto& [k, v] : map) out.push_back(k);
  return out;
}

}  // namespace

std::nullptr_t ConditionCompiler::fail(std::string message, uint32_t pos) {
  if (!failed_) {
    failed_ = true;
    error_.message = std::move(message);
    error_.pos = pos;
    error_.in_macro = macro_stack_.empty() ? std::string() : macro_stack_.back();
  }
  return nullptr;
}

std::optional<CompiledCondition> ConditionCompiler::compile(const ast::NodePtr& root) {
  failed_ = false;
  macro_stack_.clear();
  CompiledCondition out;
  out.program = compile_node(*root);
  if (!out.program) return std::nullopt;
  if (source_.event_types()) out.event_types = event_types_of(*root, false);
  return out;
}

std::optional<uint32_t> ConditionCompiler::intern_field(const ast::FieldExpr& field) {
  std::optional<std::string_view> arg;
  if (field.arg) arg = *field.arg;
  auto ref = source_.fields().resolve(field.name, arg);
  if (!ref) {
    fail(ref.error().message, field.pos);
    return std::nullopt;
  }
  return table_.intern(*ref, field.transformers);
}

ProgramPtr ConditionCompiler::compile_node(const ast::Node& node) {
  switch (node.kind) {
    case ast::NodeKind::kAnd:
    case ast::NodeKind::kOr: {
      std::vector<ProgramPtr> parts;
      for (const auto& c : node.children) {
        auto p = compile_node(*c);
        if (!p) return nullptr;
        parts.push_back(std::move(p));
      }
      return node.kind == ast::NodeKind::kAnd ? make_and(std::move(parts)) : make_or(std::move(parts));
    }
    case ast::NodeKind::kNot: {
      auto p = compile_node(*node.children.at(0));
      return p ? make_not(std::move(p)) : nullptr;
    }
    case ast::NodeKind::kMacro: {
      auto it = defs_.macros.find(node.macro);
      if (it == defs_.macros.end()) {
        std::string msg = "undefined macro " + quoted(node.macro);
        if (auto s = closest_match(node.macro, keys_of(defs_.macros))) msg += ", did you mean " + quoted(*s) + "?";
        return fail(msg, node.pos);
      }
      if (std::find(macro_stack_.begin(), macro_stack_.end(), node.macro) != macro_stack_.end()) {
        std::string chain;
        for (const auto& m : macro_stack_) chain += m + " -> ";
        return fail("macro " + quoted(node.macro) + " refers to itself (" + chain + node.macro + ")", node.pos);
      }
      used_macros_.insert(node.macro);
      if (auto done = compiled_macros_.find(node.macro); done != compiled_macros_.end()) {
        return make_memo(done->second.first, done->second.second);
      }
      macro_stack_.push_back(node.macro);
      auto p = compile_node(*it->second.ast);
      if (!p) return nullptr;
      macro_stack_.pop_back();
      std::shared_ptr<const Program> shared(std::move(p));
      uint32_t cell = table_.add_memo();
      compiled_macros_[node.macro] = {shared, cell};
      return make_memo(std::move(shared), cell);
    }
    case ast::NodeKind::kCheck:
      return compile_check(node);
  }
  return nullptr;
}

bool ConditionCompiler::expand_operand(const ast::Value& value, std::vector<std::string>& out) {
  auto list_of = [&](const std::string& name) -> const std::vector<ast::Literal>* {
    auto it = defs_.lists.find(name);
    if (it == defs_.lists.end()) return nullptr;
    used_lists_.insert(name);
    return &it->second;
  };
  switch (value.kind) {
    case ast::ValueKind::kList:
      for (const auto& item : value.items) {
        const auto* list = item.quoted ? nullptr : list_of(item.text);
        if (!list) {
          out.push_back(item.text);
          continue;
        }
        for (const auto& l : *list) out.push_back(l.text);
      }
      return true;
    case ast::ValueKind::kListName: {
      const auto* list = list_of(value.literal.text);
      if (!list) {
        std::string msg = quoted(value.literal.text) + " is not a defined list";
        if (auto s = closest_match(value.literal.text, keys_of(defs_.lists))) msg += ", did you mean " + quoted(*s) + "?";
        fail(msg, value.literal.pos);
        return false;
      }
      for (const auto& l : *list) out.push_back(l.text);
      return true;
    }
    case ast::ValueKind::kLiteral: {
      // Falco substitutes list names as text everywhere, so a one-item list works after `=`.
      const auto* list = value.literal.quoted ? nullptr : list_of(value.literal.text);
      if (!list) {
        out.push_back(value.literal.text);
        return true;
      }
      if (list->size() != 1) {
        fail("list " + quoted(value.literal.text) + " has " + std::to_string(list->size()) +
                 " items, but this operator takes one value",
             value.literal.pos);
        return false;
      }
      out.push_back(list->front().text);
      return true;
    }
    default:
      return true;
  }
}

std::optional<uint16_t> ConditionCompiler::event_type_code(const std::string& name) {
  const EventTypeTable* types = source_.event_types();
  return types ? types->code(name) : std::nullopt;
}

ProgramPtr ConditionCompiler::compile_check(const ast::Node& node) {
  auto op = parse_cmp_op(node.op);
  if (!op) return fail("unknown operator " + quoted(node.op), node.op_pos);
  auto slot = intern_field(node.field);
  if (!slot) return nullptr;
  const FieldSlot& fs = table_.slot(*slot);

  CheckSpec spec;
  spec.slot = *slot;
  spec.field_name = fs.key;
  spec.type = fs.transformers.empty() ? fs.ref.info->type : FieldType::kString;
  spec.is_list = fs.ref.info->is_list;
  spec.op = *op;
  spec.op_text = node.op;
  if (node.value.kind == ast::ValueKind::kField) {
    auto rhs = intern_field(node.value.field);
    if (!rhs) return nullptr;
    const FieldSlot& rs = table_.slot(*rhs);
    spec.rhs.is_field = true;
    spec.rhs.field_slot = *rhs;
    spec.rhs.field_type = rs.transformers.empty() ? rs.ref.info->type : FieldType::kString;
  } else if (!expand_operand(node.value, spec.rhs.items)) {
    return nullptr;
  }

  bool event_type_field = fs.ref.info->name == "evt.type" && fs.transformers.empty() &&
                          source_.event_types() && !spec.rhs.is_field;
  if (event_type_field && (*op == CmpOp::kEq || *op == CmpOp::kNe || *op == CmpOp::kIn ||
                           *op == CmpOp::kIntersects)) {
    return compile_event_type_check(node, spec.rhs.items);
  }

  auto check = make_check(spec);
  if (!check) {
    // Operand problems (messages that open with the offending value) point at the value.
    const std::string& msg = check.error().message;
    bool about_value = !msg.empty() && msg[0] == '\'' && node.value.kind != ast::ValueKind::kNone;
    return fail(msg, about_value ? node.value.pos : node.op_pos);
  }
  return std::move(check.value());
}

ProgramPtr ConditionCompiler::compile_event_type_check(const ast::Node& node,
                                                       const std::vector<std::string>& items) {
  const EventTypeTable* types = source_.event_types();
  if (node.op != "in" && node.op != "intersects" && items.size() != 1) {
    return fail("operator " + quoted(node.op) + " takes one value, not a list", node.op_pos);
  }
  std::vector<bool> bits(types->size(), false);
  for (const auto& name : items) {
    auto code = types->code(name);
    if (!code) return fail("unknown event type " + quoted(name), node.value.pos);
    bits[*code] = true;
  }
  return std::make_unique<EventTypeCheck>(std::move(bits), node.op == "!=");
}

EventTypeSet ConditionCompiler::event_types_of(const ast::Node& node, bool negated) {
  switch (node.kind) {
    case ast::NodeKind::kAnd:
    case ast::NodeKind::kOr: {
      // not (a and b) == (not a) or (not b): negation swaps the combinator.
      bool unite_children = (node.kind == ast::NodeKind::kOr) != negated;
      EventTypeSet acc;
      bool first = true;
      for (const auto& c : node.children) {
        EventTypeSet s = event_types_of(*c, negated);
        if (first) acc = std::move(s);
        else acc = unite_children ? unite(std::move(acc), s) : intersect(std::move(acc), s);
        first = false;
      }
      return acc;
    }
    case ast::NodeKind::kNot:
      return event_types_of(*node.children.at(0), !negated);
    case ast::NodeKind::kMacro: {
      auto it = defs_.macros.find(node.macro);
      if (it == defs_.macros.end()) return std::nullopt;
      // Compilation already rejected cycles, so this recursion ends.
      auto key = std::make_pair(node.macro, negated);
      if (auto done = macro_event_types_.find(key); done != macro_event_types_.end()) return done->second;
      EventTypeSet types = event_types_of(*it->second.ast, negated);
      macro_event_types_[key] = types;
      return types;
    }
    case ast::NodeKind::kCheck: {
      if (node.field.name != "evt.type" || !node.field.transformers.empty()) return std::nullopt;
      bool positive;
      if (node.op == "=" || node.op == "==" || node.op == "in" || node.op == "intersects") positive = true;
      else if (node.op == "!=") positive = false;
      else return std::nullopt;
      std::vector<std::string> items;
      if (node.value.kind == ast::ValueKind::kField || !expand_operand(node.value, items)) return std::nullopt;
      std::vector<bool> bits(source_.event_types()->size(), false);
      for (const auto& name : items)
        if (auto code = event_type_code(name)) bits[*code] = true;
      if (positive == negated) bits.flip();
      return bits;
    }
  }
  return std::nullopt;
}

}  // namespace peregrine::engine
