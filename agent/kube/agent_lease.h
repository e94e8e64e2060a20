#pragma once
// This agent's status for the operator: Lease `peregrine-agent-<node>` in the operator's
// namespace (cluster contract), holderIdentity = node, leaseDurationSeconds 30, renewTime
// renewed every 10 s and at once after each bundle change, annotations
// `peregrine.dev/bundle` (the bundle hash running, "" before the first) and
// `peregrine.dev/bundle-error` (one line; absent when the last load succeeded).
//
// A thread owns all API writes (a merge patch; create when the Lease is missing). report()
// only stores the new state and wakes it, so callers never wait on the API. Failed writes are
// retried with backoff. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "kube/client.h"

namespace peregrine::agent::cluster {

struct AgentStatus {
  std::string bundle;  // hash of the bundle in force, "" when none
  std::string error;   // one line; "" when the last load succeeded

  bool operator==(const AgentStatus&) const = default;
};

class AgentLease {
 public:
  using Log = std::function<void(const std::string&)>;

  AgentLease(std::shared_ptr<kube::Client> client, std::string ns, std::string node, Log log,
             std::chrono::milliseconds renew_every = std::chrono::seconds(10));
  ~AgentLease();  // stops the thread; the Lease stays and expires on its own
  AgentLease(const AgentLease&) = delete;
  AgentLease& operator=(const AgentLease&) = delete;

  void start();
  void report(AgentStatus status);
  // What was last reported (written or about to be).
  AgentStatus status() const;

  static std::string lease_name(const std::string& node) { return "peregrine-agent-" + node; }
  // The merge patch that writes `status` and renews the lease at `now`.
  static nlohmann::json patch_for(const std::string& node, const AgentStatus& status,
                                  std::chrono::system_clock::time_point now);

 private:
  void run();
  kube::ApiStatus write(const AgentStatus& status);

  std::shared_ptr<kube::Client> client_;
  const std::string ns_;
  const std::string node_;
  Log log_;
  const std::chrono::milliseconds renew_every_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  AgentStatus wanted_;
  bool dirty_ = true;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace peregrine::agent::cluster
