#include "operator/alerts/alert_pruner.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "common/time_format.h"

namespace peregrine::op::alerts {
namespace {

using SystemTime = std::chrono::system_clock::time_point;

const kube::ResourceRef& alerts_ref() {
  static const kube::ResourceRef ref{"peregrine.dev", "v1alpha1", "falcoalerts", true};
  return ref;
}

struct Listed {
  SystemTime last_seen;
  std::string ns, name, resource_version;
};

Listed listed_of(const nlohmann::json& item) {
  Listed l;
  const auto meta = item.value("metadata", nlohmann::json::object());
  const auto spec = item.value("spec", nlohmann::json::object());
  l.ns = meta.value("namespace", "");
  l.name = meta.value("name", "");
  l.resource_version = meta.value("resourceVersion", "");
  auto seen = spec.contains("lastSeen") && spec["lastSeen"].is_string()
                  ? parse_rfc3339(spec["lastSeen"].get<std::string>())
                  : std::nullopt;
  if (!seen && meta.contains("creationTimestamp") && meta["creationTimestamp"].is_string())
    seen = parse_rfc3339(meta["creationTimestamp"].get<std::string>());
  l.last_seen = seen.value_or(SystemTime{});  // unreadable: the oldest of all
  return l;
}

}  // namespace

std::optional<SystemTime> parse_rfc3339(const std::string& text) {
  auto ns = peregrine::parse_rfc3339(text);
  if (!ns) return std::nullopt;
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(std::chrono::nanoseconds(*ns)));
}

AlertPruner::AlertPruner(kube::Client& client, PruneOptions options, const kube::Clock& clock)
    : client_(client), options_(options), clock_(clock) {}

kube::ApiResult<PruneReport> AlertPruner::prune() {
  kube::ListOptions list_options;
  list_options.limit = options_.page_size;
  auto list = client_.list_all(alerts_ref(), "", list_options);
  if (!list.ok()) return list.error();
  std::vector<Listed> alerts;
  for (const auto& item : (*list)["items"]) alerts.push_back(listed_of(item));
  PruneReport report;
  report.listed = alerts.size();
  // Oldest first; ties in a fixed order, so two passes over the same state agree.
  std::sort(alerts.begin(), alerts.end(), [](const Listed& a, const Listed& b) {
    return std::tie(a.last_seen, a.ns, a.name) < std::tie(b.last_seen, b.ns, b.name);
  });

  // True when the alert is gone (deleted now, or already); counts it either way.
  auto remove = [&](const Listed& a, size_t& deleted) {
    nlohmann::json options = {{"apiVersion", "v1"},
                              {"kind", "DeleteOptions"},
                              {"preconditions", {{"resourceVersion", a.resource_version}}}};
    auto r = client_.request("DELETE", client_.path(alerts_ref(), a.ns, a.name), options.dump(),
                             "application/json");
    if (r.ok()) {
      ++deleted;
      return true;
    }
    if (r.error().is_not_found()) {
      ++report.gone;
      return true;
    }
    if (r.error().is_conflict()) {
      ++report.changed;
    } else {
      ++report.failed;
      report.error = a.ns + "/" + a.name + ": " + r.error().describe();
    }
    return false;
  };

  const SystemTime cutoff = clock_.wall() - options_.retention;
  size_t remaining = alerts.size();
  size_t next = 0;
  for (; next < alerts.size() && alerts[next].last_seen < cutoff; ++next)
    if (remove(alerts[next], report.expired)) --remaining;
  for (; next < alerts.size() && remaining > options_.max_alerts; ++next)
    if (remove(alerts[next], report.over_limit)) --remaining;
  return report;
}

}  // namespace peregrine::op::alerts
