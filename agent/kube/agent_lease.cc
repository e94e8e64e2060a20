#include "agent/kube/agent_lease.h"

#include "kube/backoff.h"
#include "kube/lease_record.h"

namespace peregrine::agent::cluster {
namespace {

constexpr int kLeaseSeconds = 30;
const kube::ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", true};

}  // namespace

AgentLease::AgentLease(std::shared_ptr<kube::Client> client, std::string ns, std::string node, Log log,
                       std::chrono::milliseconds renew_every)
    : client_(std::move(client)), ns_(std::move(ns)), node_(std::move(node)), log_(std::move(log)),
      renew_every_(renew_every) {}

AgentLease::~AgentLease() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AgentLease::start() { thread_ = std::thread([this] { run(); }); }

void AgentLease::report(AgentStatus status) {
  {
    std::lock_guard lock(mu_);
    wanted_ = std::move(status);
    dirty_ = true;
  }
  cv_.notify_all();
}

AgentStatus AgentLease::status() const {
  std::lock_guard lock(mu_);
  return wanted_;
}

nlohmann::json AgentLease::patch_for(const std::string& node, const AgentStatus& status,
                                     std::chrono::system_clock::time_point now) {
  nlohmann::json annotations = {{"peregrine.dev/bundle", status.bundle}};
  // null removes the key in a merge patch.
  annotations["peregrine.dev/bundle-error"] =
      status.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(status.error);
  return {{"metadata",
           {{"labels",
             {{"app.kubernetes.io/part-of", "peregrine"},
              {"peregrine.dev/component", "agent"},
              {"peregrine.dev/node", node}}},
            {"annotations", annotations}}},
          {"spec",
           {{"holderIdentity", node},
            {"leaseDurationSeconds", kLeaseSeconds},
            {"renewTime", kube::format_micro_time(now)}}}};
}

kube::ApiStatus AgentLease::write(const AgentStatus& status) {
  auto now = std::chrono::system_clock::now();
  nlohmann::json patch = patch_for(node_, status, now);
  auto patched = client_->patch(kLeases, ns_, lease_name(node_), kube::PatchType::kMerge, patch);
  if (patched) return {};
  if (!patched.error().is_not_found()) return patched.error();
  nlohmann::json lease = patch;
  lease["apiVersion"] = "coordination.k8s.io/v1";
  lease["kind"] = "Lease";
  lease["metadata"]["name"] = lease_name(node_);
  lease["metadata"]["namespace"] = ns_;
  if (status.error.empty()) lease["metadata"]["annotations"].erase("peregrine.dev/bundle-error");
  lease["spec"]["acquireTime"] = kube::format_micro_time(now);
  auto created = client_->create(kLeases, ns_, lease);
  if (created || created.error().is_already_exists()) return {};  // a retry patches it
  return created.error();
}

void AgentLease::run() {
  kube::Backoff backoff(std::chrono::milliseconds(200), std::chrono::seconds(10));
  auto next_renew = std::chrono::steady_clock::now();
  bool failing = false;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_until(lock, next_renew, [&] { return stopping_ || dirty_; });
    if (stopping_) break;
    AgentStatus status = wanted_;
    dirty_ = false;
    lock.unlock();
    kube::ApiStatus s = write(status);
    lock.lock();
    if (s) {
      if (failing) log_("agent lease " + lease_name(node_) + " written again");
      failing = false;
      backoff.reset();
      next_renew = std::chrono::steady_clock::now() + renew_every_;
    } else {
      if (!failing) log_("agent lease " + lease_name(node_) + ": " + s.error().describe() + " (retrying)");
      failing = true;
      next_renew = std::chrono::steady_clock::now() + backoff.next(s.error().retry_after);
    }
  }
}

}  // namespace peregrine::agent::cluster
