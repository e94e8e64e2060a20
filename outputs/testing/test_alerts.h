#pragma once
// Alerts for tests: a realistic shape (fields, tags) with the variable parts as arguments.

#include <string>
#include <vector>

#include "engine/output/alert.h"

namespace peregrine::outputs::testing {

inline engine::Alert make_alert(std::string rule = "Terminal shell in container",
                                engine::Priority priority = engine::Priority::kWarning,
                                std::vector<std::string> tags = {"container", "shell"},
                                uint64_t seq = 0) {
  engine::Alert a;
  a.time_ns = 1700000000123456789ULL + seq;
  a.rule = std::move(rule);
  a.priority = priority;
  a.source = "syscall";
  a.hostname = "node-1";
  a.message = "A shell was spawned (user=root container=web seq=" + std::to_string(seq) + ")";
  a.tags = std::move(tags);
  a.output_fields["user.name"] = "root";
  a.output_fields["container.name"] = "web";
  a.output_fields["k8s.ns.name"] = "default";
  a.output_fields["proc.pid"] = seq;
  a.output_fields["fd.name"] = nullptr;
  return a;
}

}  // namespace peregrine::outputs::testing
