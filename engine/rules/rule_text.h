#pragma once
// A rules document handed to Engine::load_texts, and the tenant scopes that let a team own
// rules without reaching beyond its Kubernetes namespace.
//
// Texts load in the order given, into one ruleset. A text with tenant "" is cluster-wide and
// behaves exactly as a Falco rules file: later texts refine earlier ones (append, override,
// redefinition, enabled). A text with a tenant (the namespace that owns it) is loaded in that
// tenant's scope:
//  - It sees the cluster-wide lists and macros and its own tenant's, never another tenant's.
//    A name in a tenant text means the tenant's item if the tenant defines it, else the
//    cluster-wide one (cluster-wide macros are expanded with the same lookup, so a name a
//    cluster-wide macro leaves undefined may be supplied by the tenant, for its own rules only).
//  - Lists, macros and rules it defines belong to its scope: two tenants may both define macro
//    `x` or rule `Shell in pod`, independently of each other.
//  - It may append to, override, redefine or enable/disable only its own tenant's items. An
//    item whose name is also a cluster-wide list, macro or rule (of the same kind), whichever
//    text comes first, is an error ("tenant-scope") at the tenant's item.
//  - Its rules may use the sources tenant_guard() accepts; any other source is an error.
//  - Every rule it defines matches only events of its namespace: the compiled condition is
//    `tenant_guard(tenant, source) and (rule's condition and not exceptions...)`, joined as
//    compiled programs, so nothing in the rule's own text can escape the guard.
//  - Its compiled rules keep their plain names (alerts say `rule: Shell in pod`) and carry
//    CompiledRule::tenant. Cluster-wide rules come first in each source's evaluation order,
//    tenants' rules after them (tenant by tenant, each in definition order), so with
//    first-match evaluation a tenant rule never hides a cluster-wide alert.
// Diagnostics name the text by `name`, with line and column inside `text`.

#include <string>
#include <utility>

#include "common/result.h"

namespace peregrine::engine {

struct RuleText {
  RuleText() = default;
  // All three, always: a two-element braced list ({name, text}) must stay a pair for the
  // older load_texts overload, or every `load_texts({{"a.yaml", text}})` would be ambiguous.
  RuleText(std::string name, std::string text, std::string tenant)
      : name(std::move(name)), text(std::move(text)), tenant(std::move(tenant)) {}

  std::string name;    // shown as the file in diagnostics
  std::string text;    // a Falco rules document (YAML)
  std::string tenant;  // "" = cluster-wide; else the owning namespace (a DNS-1123 label)
};

// The condition that confines a tenant's rules of `source` to its namespace:
//   syscall   -> k8s.ns.name = "<tenant>"
//   k8s_audit -> ka.target.namespace = "<tenant>"
// An error for any other source (plugin sources carry no namespace to confine them with) and
// for a tenant that is not a Kubernetes namespace name.
Result<std::string> tenant_guard(const std::string& tenant, const std::string& source);

}  // namespace peregrine::engine
