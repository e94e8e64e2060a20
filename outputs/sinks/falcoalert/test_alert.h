#pragma once
// Alerts shaped like the agent's (syscall) and the audit webhook's (k8s_audit), for the
// falcoalert tests.

#include <string>

#include "engine/output/alert.h"

namespace peregrine::outputs::falcoalert::testing {

inline engine::Alert syscall_alert(std::string rule = "Terminal shell in container", std::string ns = "default",
                                   std::string pod = "web-7d4b9c", uint64_t time_ns = 1795305600000000000ull) {
  engine::Alert a;
  a.time_ns = time_ns;
  a.rule = std::move(rule);
  a.priority = engine::Priority::kWarning;
  a.source = "syscall";
  a.hostname = "node-1";
  a.message = "A shell was spawned (user=root pod=" + pod + ")";
  a.tags = {"container", "shell"};
  a.output_fields["user.name"] = "root";
  a.output_fields["container.id"] = "3ad7b1e0c2f4";
  a.output_fields["container.name"] = "nginx";
  a.output_fields["k8s.ns.name"] = ns.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(ns);
  a.output_fields["k8s.pod.name"] = pod.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(pod);
  a.output_fields["proc.pid"] = 4242;
  return a;
}

inline engine::Alert audit_alert(std::string ns = "team-a", std::string resource = "pods",
                                 std::string name = "api-0") {
  engine::Alert a;
  a.time_ns = 1795305600000000000ull;
  a.rule = "Exec into pod";
  a.priority = engine::Priority::kNotice;
  a.source = "k8s_audit";
  a.hostname = "audit-0";
  a.message = "exec into " + name;
  a.output_fields["ka.user.name"] = "alice";
  a.output_fields["ka.target.namespace"] = ns;
  a.output_fields["ka.target.resource"] = resource;
  a.output_fields["ka.target.name"] = name;
  return a;
}

}  // namespace peregrine::outputs::falcoalert::testing
