#pragma once
// The rule loader's side of tenant scopes (semantics in engine/rules/rule_text.h): which
// items a tenant text may touch, checked while reading and once all texts are read.

#include <optional>
#include <string>

#include "common/result.h"
#include "engine/rules/diagnostic.h"
#include "engine/rules/rule_document.h"

namespace peregrine::engine {

enum class ItemKind { kList, kMacro, kRule };
enum class ItemAction { kDefine, kAppend, kOverride, kToggle };

// OK when `tenant` can name a namespace (a DNS-1123 label), so it can go into a guard.
Status check_tenant_name(const std::string& tenant);

// The message refusing `tenant` to `action` the item `name` of `kind` because `cluster`
// (the cluster-wide scope read so far) has one; nullopt when the tenant may.
std::optional<std::string> tenant_conflict(const RuleScope& cluster, const std::string& tenant,
                                           ItemKind kind, const std::string& name,
                                           ItemAction action);

// After every text is read: reports each tenant item whose name a cluster-wide text defined
// later (earlier ones were refused while reading), at the tenant's item.
void check_tenant_shadowing(const RuleDocument& doc, LoadReport& report);

}  // namespace peregrine::engine
