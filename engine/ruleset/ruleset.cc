#include "engine/ruleset/ruleset.h"

namespace peregrine::engine {

SourceRuleset::SourceRuleset(const EventSource& source, std::unique_ptr<FieldTable> fields,
                             std::vector<CompiledRule> rules)
    : source_(source), fields_(std::move(fields)), rules_(std::move(rules)) {
  const EventTypeTable* types = source_.event_types();
  if (types) by_type_.resize(types->size());
  // A macro is worth caching per event only when two rules or more name it.
  std::vector<uint32_t> uses;
  for (const CompiledRule& r : rules_)
    if (r.enabled) FlatProgram::count_memo_cells(*r.condition, uses);
  std::vector<bool> shared(uses.size());
  for (size_t c = 0; c < uses.size(); ++c) shared[c] = uses[c] >= 2;
  flat_.reserve(rules_.size());
  for (uint32_t i = 0; i < rules_.size(); ++i) {
    const CompiledRule& r = rules_[i];
    flat_.push_back(FlatProgram::build(*r.condition, r.event_types ? &*r.event_types : nullptr, &shared));
    if (!r.enabled) continue;
    any_type_.push_back(i);
    for (size_t t = 0; t < by_type_.size(); ++t) {
      if (!r.event_types || (*r.event_types)[t]) by_type_[t].push_back(i);
    }
  }
}

size_t SourceRuleset::enabled_rules() const { return any_type_.size(); }

std::unique_ptr<EvalContext> SourceRuleset::new_context() const {
  return std::make_unique<EvalContext>(source_, *fields_);
}

Alert SourceRuleset::make_alert(const CompiledRule& rule, EvalContext& ctx,
                                const std::string& hostname) const {
  Alert a;
  a.time_ns = ctx.event().timestamp_ns;
  a.rule = rule.name;
  a.priority = rule.priority;
  a.source = std::string(source_.name());
  a.hostname = hostname;
  a.message = rule.output.render(ctx);
  a.tags = rule.tags;
  for (const auto& f : rule.output.fields()) {
    const Extraction* v = ctx.value(f.slot);
    if (!v) {
      a.output_fields[f.name] = nullptr;
      continue;
    }
    switch (v->kind()) {
      case Extraction::Kind::kInt: a.output_fields[f.name] = v->i64(); break;
      case Extraction::Kind::kUint: a.output_fields[f.name] = v->u64(); break;
      case Extraction::Kind::kBool: a.output_fields[f.name] = v->boolean(); break;
      default: a.output_fields[f.name] = v->to_string(); break;
    }
  }
  return a;
}

std::vector<bool> SourceRuleset::needed_event_types() const {
  std::vector<bool> needed(by_type_.size(), false);
  for (size_t t = 0; t < by_type_.size(); ++t) needed[t] = !by_type_[t].empty();
  return needed;
}

Ruleset::Ruleset(std::vector<std::unique_ptr<SourceRuleset>> sources) : sources_(std::move(sources)) {}

const SourceRuleset* Ruleset::for_source(std::string_view name) const {
  for (const auto& s : sources_)
    if (s->source().name() == name) return s.get();
  return nullptr;
}

size_t Ruleset::rule_count() const {
  size_t n = 0;
  for (const auto& s : sources_) n += s->rules().size();
  return n;
}

}  // namespace peregrine::engine
