#include "operator/planner.h"

#include <algorithm>

#include "kube/lease_record.h"
#include "operator/codec.h"
#include "operator/conditions.h"
#include "operator/label_selector.h"

namespace peregrine::op {

using nlohmann::json;

namespace {

constexpr size_t kMaxDiagnostics = 100;

struct RuleInfo {
  std::string ns, name, uid, key, tenant, text;
  int64_t generation = 0;
  int order = 0;
  json selector;
  size_t world_index = 0;  // in World::falco_rules, where its status is read each pass
  std::string selector_error;
  AloneVerdict alone;
};

std::string position(const engine::Diagnostic& d, const std::string& key) {
  if (d.file != key) return d.to_string();
  std::string out = d.line > 0 ? "line " + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " : "";
  if (!d.item.empty()) out += d.item + ": ";
  return out + d.message;
}

std::string list_errors(const std::vector<engine::Diagnostic>& errors, const std::string& key) {
  std::string out;
  for (const auto& d : errors) out += (out.empty() ? "" : "; ") + position(d, key);
  return out;
}

json diagnostic_json(const engine::Diagnostic& d, const char* severity, const std::string& key) {
  json out = {{"severity", severity}};
  if (d.file == key && d.line > 0) {
    out["line"] = d.line;
    out["column"] = std::max(d.column, 1);
  }
  if (!d.item.empty()) out["item"] = d.item.substr(0, 1024);
  out["message"] = (d.file == key ? d.message : d.to_string()).substr(0, 4096);
  return out;
}

RuleInfo rule_info(const json& fr, size_t world_index, const std::string& operator_ns) {
  RuleInfo r;
  r.world_index = world_index;
  const json& meta = fr["metadata"];
  r.ns = meta.value("namespace", "");
  r.name = meta.value("name", "");
  r.uid = meta.value("uid", "");
  r.generation = meta.value("generation", int64_t{1});
  r.key = r.ns + "/" + r.name;
  r.tenant = r.ns == operator_ns ? "" : r.ns;
  const json& spec = fr.value("spec", json::object());
  r.text = spec.value("rules", "");
  r.order = spec.value("order", 0);
  r.selector = spec.value("nodeSelector", json());
  if (auto check = selector_matches(r.selector, {}); !check) r.selector_error = check.error().message;
  return r;
}

double seconds_since(std::chrono::steady_clock::time_point& mark) {
  auto now = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(now - mark).count();
  mark = now;
  return s;
}

// Everything render_bundle() reads, length-prefixed so no two inputs share a key.
std::string render_key(const BundleContent& content, const std::string& ns, const BundleLimits& limits) {
  std::string in;
  auto field = [&](std::string_view v) {
    in += std::to_string(v.size());
    in += ':';
    in += v;
  };
  field(ns);
  field(std::to_string(limits.object_budget));
  for (const BundleFile& f : content.files) {
    field(f.name);
    field(f.tenant);
    field(f.text);
    field(f.rule.ns);
    field(f.rule.name);
    field(f.rule.uid);
    field(std::to_string(f.rule.generation));
  }
  field(content.outputs_yaml ? "outputs" : "none");
  if (content.outputs_yaml) field(*content.outputs_yaml);
  for (const SecretUse& u : content.secrets) {
    field(u.dir);
    field(u.key);
    field(u.secret_key);
    field(u.value);
  }
  return sha256_hex(in);
}

}  // namespace

// What validation decided for one World's FalcoRules and Nodes.
struct Planner::Validation {
  std::string rule_identities;  // rule_identities() of that World
  std::map<std::string, Labels> node_labels;
  std::vector<RuleInfo> rules;  // load order
  std::vector<SetCandidate> candidates;
  SetVerdict verdict;
  // Which FalcoRules each node runs (indexes into rules); nodes with the same list share a bundle.
  std::map<std::string, std::vector<size_t>> node_lists;
  std::map<size_t, std::vector<engine::Diagnostic>> subset_errors;

  // The text that ships for rules[i]: its current one, or its last accepted one.
  const RuleSource& shipped_text(size_t i) const {
    return verdict.chosen[i] == Chosen::kCurrent ? candidates[i].current : *candidates[i].fallback;
  }
};

namespace {

// Every FalcoRule field validation reads is in its spec, and the API server bumps
// metadata.generation on every spec change (status is a subresource), so uid + generation stand
// for the text, order and nodeSelector without hashing 1,000 texts.
std::string rule_identities(const World& world) {
  std::string out = world.ns;
  for (const json& fr : world.falco_rules) {
    const json& meta = fr["metadata"];
    for (const std::string& part : {meta.value("namespace", ""), meta.value("name", ""), meta.value("uid", ""),
                                    std::to_string(meta.value("generation", int64_t{1}))}) {
      out += '\0';
      out += part;
    }
    out += meta.contains("deletionTimestamp") ? "\nD" : "\n";
  }
  return out;
}

}  // namespace

std::shared_ptr<const Planner::Validation> Planner::validate(const World& world) {
  std::string identities = rule_identities(world);
  std::map<std::string, Labels> node_labels;
  for (const json& n : world.nodes) node_labels[n["metadata"].value("name", "")] = labels_of(n);
  // A pass that only Leases caused sees the same inputs: the same verdict, without a look at
  // any text. last_good_ is not an input here: between two such passes it changes only to what
  // the first one shipped, which that verdict already chose (recover() drops the memo).
  if (validation_ && validation_->rule_identities == identities && validation_->node_labels == node_labels)
    return validation_;

  auto v = std::make_shared<Validation>();
  v->rule_identities = std::move(identities);
  v->node_labels = std::move(node_labels);
  std::vector<RuleInfo>& rules = v->rules;
  for (size_t j = 0; j < world.falco_rules.size(); ++j) {
    const json& fr = world.falco_rules[j];
    if (fr["metadata"].contains("deletionTimestamp")) continue;
    rules.push_back(rule_info(fr, j, world.ns));
  }
  std::sort(rules.begin(), rules.end(), [](const RuleInfo& a, const RuleInfo& b) {
    return std::tie(a.order, a.ns, a.name) < std::tie(b.order, b.ns, b.name);
  });

  // Each text alone, then the whole set in order.
  for (RuleInfo& r : rules) {
    SetCandidate c;
    c.current = {r.key, r.tenant, r.text};
    if (r.selector_error.empty()) {
      r.alone = validator_.check_alone(c.current);
      c.current_ok_alone = r.alone.errors.empty();
      if (auto lg = last_good_.find(r.uid); lg != last_good_.end() && lg->second.text != r.text)
        c.fallback = RuleSource{r.key, r.tenant, lg->second.text};
    } else {
      c.current_ok_alone = false;  // where it would run is unknown: it runs nowhere
    }
    v->candidates.push_back(std::move(c));
  }
  v->verdict = validator_.check_set(v->candidates);

  // A subset of the whole set can fail where the whole set loads (a macro defined by a
  // FalcoRule that selects other nodes), so each distinct subset is checked too; it is the same
  // compile, cached, when the subset is the whole set.
  for (const auto& [node, labels] : v->node_labels) {
    std::vector<size_t>& list = v->node_lists[node];
    for (size_t i = 0; i < rules.size(); ++i)
      if (v->verdict.chosen[i] != Chosen::kNone && selector_matches(rules[i].selector, labels).value())
        list.push_back(i);
  }
  std::map<std::vector<size_t>, std::vector<size_t>> checked;  // list → what ships of it
  for (auto& [node, list] : v->node_lists) {
    auto [it, inserted] = checked.try_emplace(list);
    if (inserted) {
      std::vector<SetCandidate> subset;
      for (size_t i : list) subset.push_back({v->shipped_text(i), true, std::nullopt});
      SetVerdict sv = validator_.check_set(subset);
      for (size_t k = 0; k < list.size(); ++k) {
        if (sv.chosen[k] == Chosen::kCurrent) it->second.push_back(list[k]);
        else if (auto e = sv.set_errors.find(k); e != sv.set_errors.end())
          v->subset_errors.try_emplace(list[k], e->second);
      }
    }
    list = it->second;
  }
  validation_ = v;
  return v;
}

std::set<std::pair<std::string, int64_t>> bundle_rules(const json& bundle_object) {
  std::set<std::pair<std::string, int64_t>> out;
  const json& data = bundle_object.value("data", json::object());
  auto it = data.find(kManifestKey);
  if (it == data.end() || !it->is_string()) return out;
  json manifest = json::parse(it->get<std::string>(), nullptr, false);
  if (!manifest.is_object()) return out;
  if (manifest.contains("pack")) {
    // The pack layout keeps rules[] inside the pack, which is in the main object.
    auto content = read_bundle(bundle_object, [](const std::string&) { return std::optional<json>(); });
    if (content)
      for (const BundleFile& f : content->files) out.emplace(f.rule.uid, f.rule.generation);
    return out;
  }
  try {  // JSON inside a string: its types are unchecked (see read_bundle)
    for (const json& r : manifest.value("rules", json::array()))
      if (r.is_object()) out.emplace(r.value("uid", ""), r.value("generation", int64_t{0}));
  } catch (const json::exception&) {
    out.clear();
  }
  return out;
}

AgentState agent_state(const json& lease, std::chrono::system_clock::time_point now) {
  AgentState out;
  const json& meta = lease.value("metadata", json::object());
  out.node = meta.value("labels", json::object()).value("peregrine.dev/node", "");
  kube::LeaseRecord record = kube::lease_record_from(lease);
  if (out.node.empty()) out.node = record.holder_identity;
  out.bundle_hash = meta.value("annotations", json::object()).value("peregrine.dev/bundle", "");
  out.live = record.renew_time + std::chrono::seconds(record.lease_duration_seconds) > now;
  return out;
}

void Planner::recover(const std::vector<json>& bundle_objects) {
  validation_.reset();
  std::map<std::string, const json*> by_name;
  for (const json& o : bundle_objects) by_name[o["metadata"].value("name", "")] = &o;
  for (const json& o : bundle_objects) {
    if (!o.value("data", json::object()).contains(kManifestKey)) continue;
    auto content = read_bundle(o, [&](const std::string& name) -> std::optional<json> {
      auto it = by_name.find(name);
      return it == by_name.end() ? std::nullopt : std::optional<json>(*it->second);
    });
    if (!content) continue;
    for (const BundleFile& f : content->files) {
      auto [it, inserted] = last_good_.try_emplace(f.rule.uid, LastGood{f.rule.generation, f.text});
      if (!inserted && it->second.generation < f.rule.generation) it->second = {f.rule.generation, f.text};
    }
  }
}

Plan Planner::plan(const World& world) {
  Plan plan;
  auto mark = std::chrono::steady_clock::now();
  const std::string now = rfc3339_seconds(world.now);
  const int compiles_before = validator_.compiles();

  std::shared_ptr<const Validation> validation = validate(world);
  const std::vector<RuleInfo>& rules = validation->rules;
  const SetVerdict& verdict = validation->verdict;
  const std::map<std::string, Labels>& node_labels = validation->node_labels;
  const std::map<std::string, std::vector<size_t>>& node_lists = validation->node_lists;
  const std::map<size_t, std::vector<engine::Diagnostic>>& subset_errors = validation->subset_errors;
  plan.rules = rules.size();
  auto shipped_generation = [&](size_t i) {
    return verdict.chosen[i] == Chosen::kCurrent ? rules[i].generation : last_good_[rules[i].uid].generation;
  };
  plan.validate_seconds = seconds_since(mark);

  // One bundle per distinct list; the audit webhook's list may well be one of the nodes'.
  // Rendering 1,000 files costs more than the rest of a pass: a bundle whose inputs are those
  // of one rendered before is taken from the cache (kept for the bundles of the last plan).
  std::map<std::string, RenderedBundle> next_rendered;
  std::map<std::vector<size_t>, std::string> rendered;  // list → bundle name ("" = failed)
  auto render_list = [&](const std::vector<size_t>& list) -> const std::string& {
    auto [it, inserted] = rendered.try_emplace(list);
    if (inserted) {
      BundleContent content;
      for (size_t k = 0; k < list.size(); ++k) {
        const RuleInfo& r = rules[list[k]];
        content.files.push_back({file_name(k, r.ns, r.name), r.tenant, validation->shipped_text(list[k]).text,
                                 RuleRef{r.ns, r.name, r.uid, shipped_generation(list[k])}});
      }
      content.outputs_yaml = world.outputs_yaml;
      content.secrets = world.secrets;
      const std::string key = render_key(content, world.ns, limits_);
      Result<RenderedBundle> bundle = make_error("");
      if (auto hit = rendered_.find(key); hit != rendered_.end()) {
        bundle = hit->second;
      } else {
        bundle = render_bundle(content, world.ns, limits_);
        ++plan.renders;
      }
      if (bundle) {
        next_rendered.try_emplace(key, *bundle);
        it->second = bundle->name;
        plan.bundles.emplace(bundle->name, std::move(*bundle));
      } else {
        plan.problems.push_back(bundle.error().message);
      }
    }
    return it->second;
  };
  for (const auto& [node, list] : node_lists) {
    const std::string& name = render_list(list);
    if (name.empty()) plan.keep_assignment.insert(node);
    else plan.assignments[node] = name;
  }
  // The audit webhook runs the whole set as checked above: no subset to check again.
  std::vector<size_t> audit_list;
  for (size_t i = 0; i < rules.size(); ++i)
    if (verdict.chosen[i] != Chosen::kNone) audit_list.push_back(i);
  plan.audit_bundle = render_list(audit_list);
  rendered_ = std::move(next_rendered);
  plan.render_seconds = seconds_since(mark);

  std::vector<AgentState> agents;
  for (const json& l : world.agent_leases) {
    AgentState a = agent_state(l, world.now);
    if (a.live && node_labels.count(a.node)) agents.push_back(std::move(a));
  }
  // What every known bundle holds, for the Applied count: parsed once per bundle hash.
  std::map<std::string, Holds> holds;
  auto keep = [&](const std::string& hash, const auto& read) {
    if (holds.count(hash)) return;
    auto it = holds_.find(hash);
    holds.emplace(hash, it != holds_.end() ? std::move(it->second) : read());
  };
  for (const json& o : world.bundle_objects)
    if (!o["metadata"].value("labels", json::object()).contains(kBundlePartLabel))
      keep(o["metadata"]["labels"].value(kBundleLabel, ""), [&] { return bundle_rules(o); });
  for (const auto& [name, b] : plan.bundles) keep(b.hash, [&] { return bundle_rules(b.config_maps[0]); });
  // A bundle already garbage-collected is still what an agent that has not moved on runs.
  for (const AgentState& a : agents)
    if (!holds.count(a.bundle_hash) && holds_.count(a.bundle_hash)) keep(a.bundle_hash, [] { return Holds{}; });
  holds_.clear();
  // A FalcoRule without a nodeSelector is desired on every agent: its Applied count needs one
  // look per bundle the agents run, not one per agent (1,000 FalcoRules x 100 agents otherwise).
  std::map<std::string, int> agents_by_bundle;
  for (const AgentState& a : agents) ++agents_by_bundle[a.bundle_hash];

  for (size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules[i];
    Condition accepted{"Accepted", true, reason::kValid, "", r.generation};
    json diagnostics = json::array();
    auto add_diagnostics = [&](const std::vector<engine::Diagnostic>& ds, const char* severity) {
      for (const auto& d : ds)
        if (diagnostics.size() < kMaxDiagnostics) diagnostics.push_back(diagnostic_json(d, severity, r.key));
    };
    std::string keeps;
    if (verdict.chosen[i] == Chosen::kFallback)
      keeps = " Agents keep running generation " + std::to_string(last_good_[r.uid].generation) + ".";
    if (!r.selector_error.empty()) {
      accepted = {"Accepted", false, reason::kInvalidNodeSelector, "spec.nodeSelector: " + r.selector_error, r.generation};
    } else if (!r.alone.errors.empty()) {
      accepted.status = false;
      accepted.reason = reason::kInvalidRules;
      accepted.message = std::to_string(r.alone.errors.size()) + " error(s) in spec.rules: " +
                         list_errors(r.alone.errors, r.key) + "." + keeps;
      add_diagnostics(r.alone.errors, "error");
    } else if (auto e = verdict.set_errors.find(i); e != verdict.set_errors.end()) {
      accepted.status = false;
      accepted.reason = reason::kBreaksRuleSet;
      accepted.message = "spec.rules loads alone but not after the FalcoRules ordered before it: " +
                         list_errors(e->second, r.key) + "." + keeps;
      add_diagnostics(e->second, "error");
    } else if (auto s = subset_errors.find(i); s != subset_errors.end()) {
      accepted.status = false;
      accepted.reason = reason::kBreaksRuleSet;
      accepted.message = "spec.rules does not load with the FalcoRules of some selected nodes: " +
                         list_errors(s->second, r.key) + ". Those nodes run without it.";
      add_diagnostics(s->second, "error");
    } else {
      accepted.message = "spec.rules loads alone and after the FalcoRules ordered before it";
      if (!r.alone.warnings.empty()) accepted.message += " (" + std::to_string(r.alone.warnings.size()) + " warning(s))";
    }
    add_diagnostics(r.alone.warnings, "warning");
    if (accepted.status) ++plan.accepted;

    int desired = 0, applied = 0;
    if (r.selector.is_null()) {
      desired = static_cast<int>(agents.size());
      for (const auto& [hash, count] : agents_by_bundle)
        if (auto h = holds.find(hash); h != holds.end() && h->second.count({r.uid, r.generation})) applied += count;
    } else if (r.selector_error.empty()) {
      for (const AgentState& a : agents) {
        if (!selector_matches(r.selector, node_labels.at(a.node)).value()) continue;
        ++desired;
        if (auto h = holds.find(a.bundle_hash); h != holds.end() && h->second.count({r.uid, r.generation})) ++applied;
      }
    }
    Condition applied_cond{"Applied", false, reason::kPending, "", r.generation};
    if (!accepted.status && verdict.chosen[i] != Chosen::kCurrent) {
      applied_cond.reason = reason::kNotAccepted;
      applied_cond.message = "generation " + std::to_string(r.generation) + " is not accepted";
    } else if (desired == 0) {
      applied_cond.reason = reason::kNoAgents;
      applied_cond.message = "no live agent runs on a node this FalcoRule selects";
    } else {
      applied_cond.status = applied == desired;
      applied_cond.reason = applied_cond.status ? reason::kAllAgentsApplied : reason::kPending;
      applied_cond.message = std::to_string(applied) + " of " + std::to_string(desired) +
                             " agents run generation " + std::to_string(r.generation);
    }
    static const json kNoStatus = json::object();
    const json& object = world.falco_rules[r.world_index];
    auto found = object.find("status");
    const json& current_status = found != object.end() ? *found : kNoStatus;
    const json& previous = current_status.value("conditions", json());
    json status = {{"observedGeneration", r.generation},
                   {"conditions", {condition_json(accepted, previous, now), condition_json(applied_cond, previous, now)}},
                   {"diagnostics", diagnostics},
                   {"agents", {{"desired", desired}, {"applied", applied}}}};
    if (status != current_status) plan.statuses.push_back({r.ns, r.name, std::move(status)});
  }

  // Remember what shipped; forget FalcoRules that are gone.
  std::map<std::string, LastGood> next;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (verdict.chosen[i] == Chosen::kCurrent) next[rules[i].uid] = {rules[i].generation, rules[i].text};
    else if (auto lg = last_good_.find(rules[i].uid); lg != last_good_.end()) next.insert(*lg);
  }
  last_good_ = std::move(next);
  holds_ = std::move(holds);
  plan.compiles = validator_.compiles() - compiles_before;
  plan.status_seconds = seconds_since(mark);
  return plan;
}

}  // namespace peregrine::op
