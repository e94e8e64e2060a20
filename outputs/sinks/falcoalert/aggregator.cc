#include "outputs/sinks/falcoalert/aggregator.h"

#include <algorithm>

namespace peregrine::outputs::falcoalert {

Aggregator::Aggregator(size_t max_keys, std::string node_name)
    : max_keys_(std::max<size_t>(1, max_keys)), node_name_(std::move(node_name)) {}

bool Aggregator::add(const AlertPtr& alert) {
  std::string key = joined_key_of(*alert, node_name_);
  AlertPtr previous;  // released after the lock: it may be the last reference to an alert
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_ && !make_room_locked()) {
      ++overflow_;
      return false;
    }
    it = entries_.try_emplace(std::move(key)).first;
    it->second.key = AlertKey::from_joined(it->first);
    it->second.name = object_name(it->second.key);
  }
  Entry& e = it->second;
  if (e.first_ns == 0 || alert->time_ns < e.first_ns) e.first_ns = alert->time_ns;
  if (alert->time_ns >= e.last_ns) {
    e.last_ns = alert->time_ns;
    previous = std::exchange(e.sample, alert);
  }
  ++e.pending;
  ++pending_total_;
  if (!e.queued) {
    e.queued = true;
    dirty_.push_back(&e);
  }
  return true;
}

bool Aggregator::make_room_locked() {
  while (!clean_.empty()) {
    auto it = entries_.find(clean_.front());
    clean_.pop_front();
    if (it == entries_.end()) continue;
    const Entry& e = it->second;
    if (e.pending > 0 || e.in_flight || e.queued) continue;  // dirty again since it was listed
    entries_.erase(it);
    return true;
  }
  return false;
}

std::vector<Due> Aggregator::take_due(size_t max) {
  std::vector<Due> due;
  std::lock_guard lock(mu_);
  while (due.size() < max && !dirty_.empty()) {
    Entry* e = dirty_.front();
    dirty_.pop_front();
    e->queued = false;
    if (e->in_flight || e->pending == 0) continue;
    e->in_flight = true;
    due.push_back(Due{e, e->pending, e->first_ns, e->last_ns, e->sample});
    e->pending = 0;
  }
  return due;
}

void Aggregator::finish(const Due& due, uint64_t written) {
  std::lock_guard lock(mu_);
  Entry& e = *due.entry;
  e.in_flight = false;
  written = std::min(written, due.delta);
  pending_total_ -= written;
  const bool complete = written == due.delta;
  e.pending += due.delta - written;
  if (e.pending > 0) {
    if (!e.queued) {
      e.queued = true;
      // A failed or deferred write goes back to the front so that the keys keep the order their
      // events came in, and a key cannot starve behind newer ones.
      if (complete) dirty_.push_back(&e);
      else dirty_.push_front(&e);
    }
    return;
  }
  clean_.push_back(e.key.joined());
  // Stale duplicates pile up when keys flip between dirty and clean; rebuild when they
  // outnumber the entries, so the list stays bounded by the map.
  if (clean_.size() > 2 * max_keys_ + 16) {
    std::deque<std::string> fresh;
    for (const auto& [k, entry] : entries_)
      if (entry.pending == 0 && !entry.in_flight && !entry.queued) fresh.push_back(k);
    clean_ = std::move(fresh);
  }
}

size_t Aggregator::keys() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

uint64_t Aggregator::pending_events() const {
  std::lock_guard lock(mu_);
  return pending_total_;
}

size_t Aggregator::dirty_keys() const {
  std::lock_guard lock(mu_);
  return dirty_.size();
}

uint64_t Aggregator::overflow() const {
  std::lock_guard lock(mu_);
  return overflow_;
}

}  // namespace peregrine::outputs::falcoalert
