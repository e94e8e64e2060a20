#pragma once
// The leader-election fields of a coordination.k8s.io/v1 Lease's spec, and their JSON form.
// Timestamps are Kubernetes MicroTime: RFC 3339 in UTC with six fractional digits
// ("2026-11-22T10:15:30.123456Z"), the format kube-controller-manager and client-go write,
// so our leases read the same in `kubectl get lease -o yaml` as theirs.

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace peregrine::kube {

struct LeaseRecord {
  std::string holder_identity;  // empty: released, anyone may take it at once
  int lease_duration_seconds = 0;
  std::chrono::system_clock::time_point acquire_time;
  std::chrono::system_clock::time_point renew_time;
  int lease_transitions = 0;

  bool operator==(const LeaseRecord&) const = default;
};

// The record as a Lease spec object.
nlohmann::json lease_spec(const LeaseRecord& record);
// Reads a Lease's spec; missing fields stay at their zero values (a Lease created by
// `kubectl create` may have none). A timestamp that does not parse reads as the epoch.
LeaseRecord lease_record_from(const nlohmann::json& lease);

std::string format_micro_time(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_micro_time(const std::string& text);

}  // namespace peregrine::kube
