#pragma once
// Follows this node's entry in ConfigMap `peregrine-assignments` (an Informer with
// fieldSelector metadata.name=peregrine-assignments) and brings the named bundle into force:
// fetch and verify (bundle_fetch.h), write to the node (bundle_store.h), then `apply` (the
// agent compiles and swaps the rules there), then report the result on the agent's Lease.
//
// Errors: an API error is retried with backoff (200 ms doubling to 10 s) and reported on the
// Lease meanwhile; a bundle that is wrong as written, or whose rules do not compile, is
// reported and not retried until the assignment names another bundle — the last good rules
// keep running. No entry for this node (or no ConfigMap) keeps what runs.
//
// Thread-safety: the work happens on the watch's own thread, never on the caller's; `apply`
// runs there. Construct, start() and destroy from one thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/kube/agent_lease.h"
#include "agent/kube/bundle_manifest.h"
#include "kube/client.h"
#include "kube/informer.h"

namespace peregrine::agent::cluster {

struct BundleWatchOptions {
  std::string ns = "peregrine-system";
  std::string node;
  std::string store_root;  // where bundles are written (bundle_store.h)
};

class BundleWatch {
 public:
  // Brings `bundle` (its files written under `dir`) into force. Returns "" on success, else
  // one line saying why it was refused (the previous state must then stay in force).
  using Apply = std::function<std::string(const Bundle& bundle, const std::string& dir)>;
  using Log = std::function<void(const std::string&)>;

  BundleWatch(std::shared_ptr<kube::Client> client, BundleWatchOptions options, Apply apply, AgentLease& lease,
              Log log);
  ~BundleWatch();
  BundleWatch(const BundleWatch&) = delete;
  BundleWatch& operator=(const BundleWatch&) = delete;

  void start();

  uint64_t loads() const { return loads_.load(); }        // bundles brought into force
  uint64_t failures() const { return failures_.load(); }  // attempts that failed, retries included

  static constexpr const char* kAssignments = "peregrine-assignments";

 private:
  void assigned(const nlohmann::json& config_map);
  void run();
  // One attempt at bringing `name` into force; true when worth retrying.
  bool bring_in(const std::string& name);

  std::shared_ptr<kube::Client> client_;
  const BundleWatchOptions options_;
  Apply apply_;
  AgentLease& lease_;
  Log log_;
  std::unique_ptr<kube::Informer> informer_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::string wanted_;  // bundle ConfigMap name assigned to this node; "" none
  bool stopping_ = false;
  std::atomic<uint64_t> loads_{0};
  std::atomic<uint64_t> failures_{0};

  // Owned by the watch's thread.
  std::string settled_;  // the name last brought in or refused for good
  AgentStatus status_;
  std::thread thread_;
};

}  // namespace peregrine::agent::cluster
