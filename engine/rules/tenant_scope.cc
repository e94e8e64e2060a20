#include "engine/rules/tenant_scope.h"

#include <algorithm>

#include "engine/rules/rule_text.h"

namespace peregrine::engine {
namespace {

const char* kind_name(ItemKind kind) {
  switch (kind) {
    case ItemKind::kList: return "list";
    case ItemKind::kMacro: return "macro";
    case ItemKind::kRule: return "rule";
  }
  return "item";
}

const char* verb(ItemAction action) {
  switch (action) {
    case ItemAction::kDefine: return "redefine";
    case ItemAction::kAppend: return "append to";
    case ItemAction::kOverride: return "override";
    case ItemAction::kToggle: return "enable or disable";
  }
  return "change";
}

bool has_rule(const RuleScope& scope, const std::string& name) {
  return std::any_of(scope.rules.begin(), scope.rules.end(),
                     [&](const RuleInfo& r) { return r.name == name; });
}

bool has_item(const RuleScope& scope, ItemKind kind, const std::string& name) {
  switch (kind) {
    case ItemKind::kList: return scope.lists.contains(name);
    case ItemKind::kMacro: return scope.macros.contains(name);
    case ItemKind::kRule: return has_rule(scope, name);
  }
  return false;
}

std::string refusal(const std::string& tenant, ItemKind kind, const std::string& name,
                    ItemAction action) {
  return "tenant " + tenant + " may not " + verb(action) + " cluster-wide " + kind_name(kind) +
         " '" + name + "'";
}

void report_at(const RuleDocument& doc, LoadReport& report, const Origin& at, ItemKind kind,
               const std::string& name, std::string message) {
  if (at.file < 0 || static_cast<size_t>(at.file) >= report.files.size()) return;
  Diagnostic d;
  d.code = "tenant-scope";
  d.message = std::move(message);
  d.file = doc.files.at(static_cast<size_t>(at.file));
  d.line = at.line;
  d.column = at.column;
  d.item = std::string(kind_name(kind)) + " '" + name + "'";
  report.files[static_cast<size_t>(at.file)].errors.push_back(std::move(d));
}

}  // namespace

Status check_tenant_name(const std::string& tenant) {
  // Namespaces are DNS-1123 labels; nothing else may reach the quoted guard value.
  bool ok = !tenant.empty() && tenant.size() <= 63 && tenant.front() != '-' && tenant.back() != '-';
  for (char c : tenant) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) {
    return make_error("tenant '" + tenant + "' is not a Kubernetes namespace name (lowercase letters, "
                      "digits and '-', at most 63)");
  }
  return {};
}

Result<std::string> tenant_guard(const std::string& tenant, const std::string& source) {
  if (auto valid = check_tenant_name(tenant); !valid) return valid.error();
  if (source == "syscall") return "k8s.ns.name = \"" + tenant + "\"";
  if (source == "k8s_audit") return "ka.target.namespace = \"" + tenant + "\"";
  return make_error("tenant " + tenant + " may not use source '" + source +
                    "': tenant rules are confined to their namespace, which only syscall and "
                    "k8s_audit events carry");
}

std::optional<std::string> tenant_conflict(const RuleScope& cluster, const std::string& tenant,
                                           ItemKind kind, const std::string& name,
                                           ItemAction action) {
  if (!has_item(cluster, kind, name)) return std::nullopt;
  return refusal(tenant, kind, name, action);
}

void check_tenant_shadowing(const RuleDocument& doc, LoadReport& report) {
  auto later = [&](const Origin& cluster_item) {
    std::string file = cluster_item.file >= 0 ? doc.files.at(static_cast<size_t>(cluster_item.file)) : "";
    return " (defined cluster-wide by " + file + ", loaded after this text)";
  };
  for (const auto& [tenant, scope] : doc.tenants) {
    for (const auto& [name, list] : scope.lists) {
      if (auto it = doc.lists.find(name); it != doc.lists.end()) {
        report_at(doc, report, list.origin, ItemKind::kList, name,
                  refusal(tenant, ItemKind::kList, name, ItemAction::kDefine) + later(it->second.origin));
      }
    }
    for (const auto& [name, macro] : scope.macros) {
      if (auto it = doc.macros.find(name); it != doc.macros.end()) {
        report_at(doc, report, macro.origin, ItemKind::kMacro, name,
                  refusal(tenant, ItemKind::kMacro, name, ItemAction::kDefine) + later(it->second.origin));
      }
    }
    for (const auto& rule : scope.rules) {
      for (const auto& cluster_rule : doc.rules) {
        if (cluster_rule.name != rule.name) continue;
        report_at(doc, report, rule.origin, ItemKind::kRule, rule.name,
                  refusal(tenant, ItemKind::kRule, rule.name, ItemAction::kDefine) + later(cluster_rule.origin));
      }
    }
  }
}

}  // namespace peregrine::engine
