#include "kube/leader_election.h"

namespace peregrine::kube {

using nlohmann::json;

namespace {

// client-go's factor: the renew deadline must leave room for a jittered retry.
constexpr double kJitterFactor = 1.2;

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

Result<std::unique_ptr<LeaderElector>> LeaderElector::create(std::shared_ptr<Client> client,
                                                              LeaderElectionConfig config) {
  using std::chrono::milliseconds;
  if (!client) return make_error("leader election: no client");
  if (config.lease_name.empty()) return make_error("leader election: lease_name is empty");
  if (config.lease_namespace.empty()) return make_error("leader election: lease_namespace is empty");
  if (config.identity.empty()) return make_error("leader election: identity is empty");
  if (config.retry_period <= milliseconds(0)) return make_error("leader election: retry_period must be positive");
  if (milliseconds(config.lease_duration) <= config.renew_deadline)
    return make_error("leader election: lease_duration (" + ms(config.lease_duration) +
                      ") must be longer than renew_deadline (" + ms(config.renew_deadline) + ")");
  if (config.renew_deadline.count() <= kJitterFactor * config.retry_period.count())
    return make_error("leader election: renew_deadline (" + ms(config.renew_deadline) + ") must be longer than " +
                      std::to_string(kJitterFactor) + " x retry_period (" + ms(config.retry_period) + ")");
  // A renewal that hangs past the deadline would let the leader act on a lease others may
  // already consider expired.
  if (client->config().request_timeout >= config.renew_deadline)
    return make_error("leader election: the client's request timeout (" + ms(client->config().request_timeout) +
                      ") must be shorter than renew_deadline (" + ms(config.renew_deadline) + ")");
  if (!config.clock) config.clock = std::make_shared<SystemClock>();
  return std::unique_ptr<LeaderElector>(new LeaderElector(std::move(client), std::move(config)));
}

LeaderElector::LeaderElector(std::shared_ptr<Client> client, LeaderElectionConfig config)
    : client_(std::move(client)), config_(std::move(config)) {}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string LeaderElector::leader() const {
  std::lock_guard lock(mu_);
  return observed_holder_;
}

LeaderElectionStats LeaderElector::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void LeaderElector::run() {
  while (!stopping_) {
    if (!campaign()) break;
    lead();
  }
}

bool LeaderElector::campaign() {
  while (!stopping_) {
    auto attempt = try_acquire_or_renew();
    if (attempt.ok() && *attempt) {
      leading_ = true;
      {
        std::lock_guard lock(mu_);
        ++stats_.terms;
      }
      if (config_.callbacks.on_started_leading) config_.callbacks.on_started_leading();
      return true;
    }
    if (!wait_retry_period()) break;
  }
  return false;
}

void LeaderElector::lead() {
  while (wait_retry_period() && renew_within_deadline()) {
  }
  // Stop acting first, then hand the lease back: a successor must never overlap with us.
  leading_ = false;
  if (config_.callbacks.on_stopped_leading) config_.callbacks.on_stopped_leading();
  if (stopping_ && config_.release_on_stop) (void)release();
}

bool LeaderElector::renew_within_deadline() {
  const auto deadline = config_.clock->now() + config_.renew_deadline;
  while (!stopping_) {
    auto attempt = try_acquire_or_renew();
    if (attempt.ok()) return *attempt;  // false: another holder has it now
    if (config_.clock->now() >= deadline) return false;
    if (!wait_retry_period()) break;
  }
  return false;
}

bool LeaderElector::wait_retry_period() {
  std::unique_lock lock(mu_);
  // Jitter so that candidates started together do not hit the API server in lockstep.
  std::uniform_real_distribution<double> factor(1.0, kJitterFactor);
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(config_.retry_period * factor(jitter_));
  cv_.wait_for(lock, wait, [&] { return stopping_.load(); });
  return !stopping_;
}

void LeaderElector::observe(const json& lease) {
  std::string rv = lease.value("metadata", json::object()).value("resourceVersion", "");
  std::string holder = lease_record_from(lease).holder_identity;
  bool holder_changed = false;
  {
    std::lock_guard lock(mu_);
    if (rv == observed_rv_ && !observed_lease_.is_null()) return;
    // Expiry counts from when *we* saw the lease change, so the holder's clock never matters.
    observed_rv_ = rv;
    observed_lease_ = lease;
    observed_time_ = config_.clock->now();
    holder_changed = holder != observed_holder_;
    observed_holder_ = holder;
  }
  if (holder_changed && config_.callbacks.on_new_leader) config_.callbacks.on_new_leader(holder);
}

void LeaderElector::note_failure(const ApiError& error) {
  std::lock_guard lock(mu_);
  ++stats_.failures;
  if (error.is_conflict() || error.is_already_exists()) ++stats_.conflicts;
}

ApiResult<bool> LeaderElector::try_acquire_or_renew() {
  {
    std::lock_guard lock(mu_);
    ++stats_.attempts;
  }
  const auto wall = config_.clock->wall();
  const int duration = static_cast<int>(config_.lease_duration.count());
  auto current = client_->get(leases_, config_.lease_namespace, config_.lease_name);
  if (!current.ok()) {
    if (!current.error().is_not_found()) {
      note_failure(current.error());
      return current.error();
    }
    LeaseRecord record{config_.identity, duration, wall, wall, 0};
    json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", config_.lease_name}, {"namespace", config_.lease_namespace}}},
                  {"spec", lease_spec(record)}};
    auto created = client_->create(leases_, config_.lease_namespace, lease);
    if (!created.ok()) {
      note_failure(created.error());
      return created.error();
    }
    observe(*created);
    return true;
  }

  observe(*current);
  const LeaseRecord old = lease_record_from(*current);
  const bool mine = old.holder_identity == config_.identity;
  if (!old.holder_identity.empty() && !mine) {
    std::lock_guard lock(mu_);
    if (config_.clock->now() < observed_time_ + std::chrono::seconds(old.lease_duration_seconds)) return false;
  }

  LeaseRecord record{config_.identity, duration, wall, wall, old.lease_transitions};
  if (mine) {
    record.acquire_time = old.acquire_time;
  } else {
    ++record.lease_transitions;
  }
  json updated = std::move(*current);
  if (!updated["spec"].is_object()) updated["spec"] = json::object();
  updated["spec"].update(lease_spec(record));  // keeps fields we do not own (strategy, preferredHolder)
  auto written = client_->update(leases_, config_.lease_namespace, updated);  // carries the resourceVersion read
  if (!written.ok()) {
    note_failure(written.error());
    return written.error();
  }
  observe(*written);
  return true;
}

ApiStatus LeaderElector::release() {
  json lease;
  {
    std::lock_guard lock(mu_);
    if (observed_lease_.is_null() || observed_holder_ != config_.identity) return {};
    lease = observed_lease_;
  }
  LeaseRecord old = lease_record_from(lease);
  const auto wall = config_.clock->wall();
  // As client-go releases: no holder, a one-second duration, the transition count kept.
  LeaseRecord record{"", 1, wall, wall, old.lease_transitions};
  lease["spec"].update(lease_spec(record));
  auto written = client_->update(leases_, config_.lease_namespace, lease);
  if (!written.ok()) {
    note_failure(written.error());
    return written.error();
  }
  leading_ = false;
  observe(*written);
  return {};
}

}  // namespace peregrine::kube
