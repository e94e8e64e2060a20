#include "kube/bundle/bundle_watch.h"

#include <algorithm>
#include <chrono>

#include "kube/bundle/bundle_fetch.h"
#include "kube/bundle/bundle_store.h"
#include "kube/backoff.h"
#include "common/strings.h"

namespace peregrine::kube::bundle {
namespace {

constexpr size_t kMaxErrorBytes = 1024;

}  // namespace

BundleWatch::BundleWatch(std::shared_ptr<kube::Client> client, BundleWatchOptions options, Apply apply,
                         Report report, Log log)
    : client_(std::move(client)), options_(std::move(options)), apply_(std::move(apply)), report_(std::move(report)),
      log_(std::move(log)) {
  kube::InformerOptions io;
  io.ref = {"", "v1", "configmaps", true};
  io.ns = options_.ns;
  io.field_selector = "metadata.name=" + options_.config_map;
  kube::InformerHandlers handlers;
  handlers.on_add = [this](const nlohmann::json& cm) { assigned(cm); };
  handlers.on_update = [this](const nlohmann::json&, const nlohmann::json& cm) { assigned(cm); };
  // Without an assignment the rules in force stay: taking them away is the operator's call,
  // made by assigning another bundle.
  handlers.on_delete = [](const nlohmann::json&) {};
  informer_ = std::make_unique<kube::Informer>(client_, io, handlers);
}

BundleWatch::~BundleWatch() {
  informer_->stop();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BundleWatch::start() {
  thread_ = std::thread([this] { run(); });
  informer_->start();
}

void BundleWatch::assigned(const nlohmann::json& config_map) {
  const nlohmann::json data = config_map.value("data", nlohmann::json::object());
  auto it = data.find(options_.key);
  std::string name = it != data.end() && it->is_string() ? it->get<std::string>() : "";
  if (name.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (wanted_ == name) return;
    wanted_ = name;
  }
  cv_.notify_all();
}

BundleStatus BundleWatch::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void BundleWatch::run() {
  kube::Backoff backoff(std::chrono::milliseconds(200), std::chrono::seconds(10));
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait(lock, [&] { return stopping_ || (!wanted_.empty() && wanted_ != settled_); });
    if (stopping_) break;
    std::string name = wanted_;
    lock.unlock();
    bool retry = bring_in(name);
    lock.lock();
    if (!retry) {
      settled_ = name;
      backoff.reset();
      continue;
    }
    // Wait out the backoff unless the assignment moves on meanwhile.
    auto delay = backoff.next();
    cv_.wait_for(lock, delay, [&] { return stopping_ || wanted_ != name; });
  }
}

bool BundleWatch::bring_in(const std::string& name) {
  auto started = std::chrono::steady_clock::now();
  BundleFetch fetched = fetch_bundle(*client_, options_.ns, name);
  std::string error = fetched.error;
  std::string dir;
  if (fetched.bundle) {
    auto stored = store_bundle(options_.store_root, *fetched.bundle);
    if (stored) {
      dir = *stored;
      error = apply_(*fetched.bundle, dir);
    } else {
      error = "bundle " + name + ": " + stored.error().message;
      fetched.transient = true;  // a full disk may clear
    }
  }
  if (error.empty()) {
    BundleStatus status{fetched.bundle->hash, ""};
    {
      std::lock_guard lock(mu_);
      status_ = status;
    }
    report_(status);
    prune_bundles(options_.store_root, dir);
    loads_.fetch_add(1);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    log_("bundle " + name + " in force: " + std::to_string(fetched.bundle->files.size()) + " files from " + dir +
         ", " + std::to_string(ms.count()) + " ms");
    return false;
  }
  failures_.fetch_add(1);
  log_(error + (fetched.transient ? " (retrying)" : "; the previous rules stay in force"));
  // The annotation is one line of bounded size, whatever the error text holds.
  std::replace(error.begin(), error.end(), '\n', ' ');
  if (error.size() > kMaxErrorBytes) error = error.substr(0, kMaxErrorBytes - 3) + "...";
  BundleStatus status;
  {
    std::lock_guard lock(mu_);
    status_.error = error;
    status = status_;
  }
  report_(status);
  return fetched.transient;
}

std::string BundleWatch::metrics_text(const std::string& prefix) const {
  BundleStatus s = status();
  std::string out;
  out += "# HELP " + prefix + "_bundle_info The rule bundle in force (\"\" before the first); error=1 while the "
         "last assigned bundle is refused or not yet fetched.\n# TYPE " + prefix + "_bundle_info gauge\n";
  out += prefix + "_bundle_info{bundle=\"" + prometheus_label(s.bundle) + "\",error=\"" +
         (s.error.empty() ? "0" : "1") + "\"} 1\n";
  out += "# HELP " + prefix + "_bundle_loads_total Bundles brought into force.\n# TYPE " + prefix +
         "_bundle_loads_total counter\n";
  out += prefix + "_bundle_loads_total " + std::to_string(loads()) + "\n";
  out += "# HELP " + prefix + "_bundle_failures_total Failed attempts at a bundle, retries included.\n# TYPE " +
         prefix + "_bundle_failures_total counter\n";
  out += prefix + "_bundle_failures_total " + std::to_string(failures()) + "\n";
  return out;
}

}  // namespace peregrine::kube::bundle
