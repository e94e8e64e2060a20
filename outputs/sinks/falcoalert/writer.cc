#include "outputs/sinks/falcoalert/writer.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "outputs/sinks/falcoalert/object.h"

namespace peregrine::outputs::falcoalert {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;
// Requests one write() may make (reads, conflicts, the write): past this, contention is heavy
// enough that backing off until the next flush is kinder to the API.
constexpr int kMaxRequests = 6;
constexpr size_t kMaxMarks = 8;

const kube::ResourceRef& alerts_ref() {
  static const kube::ResourceRef ref{kGroup, kVersion, kResource, true};
  return ref;
}

uint64_t mark_seq(const nlohmann::json& value) {
  if (!value.is_string()) return 0;
  return std::strtoull(value.get<std::string>().c_str(), nullptr, 10);
}

long long mark_time(const nlohmann::json& value) {
  if (!value.is_string()) return 0;
  const std::string& s = value.get_ref<const std::string&>();
  auto slash = s.find('/');
  return slash == std::string::npos ? 0 : std::strtoll(s.c_str() + slash + 1, nullptr, 10);
}

}  // namespace

Writer::Writer(kube::Client& client, RateLimiter& limiter, WriteCounters& counters,
               std::string default_namespace, std::string writer_id)
    : client_(client),
      limiter_(limiter),
      default_ns_(std::move(default_namespace)),
      mark_key_(kWriterMarkPrefix + writer_id),
      counters_(counters) {}

void Writer::absorb(WriterState& w, const nlohmann::json& object) const {
  w.exists = true;
  const auto& meta = object.value("metadata", nlohmann::json::object());
  const auto& spec = object.value("spec", nlohmann::json::object());
  w.resource_version = meta.value("resourceVersion", "");
  w.count = spec.contains("count") && spec["count"].is_number_unsigned() ? spec["count"].get<uint64_t>() : 0;
  w.first_seen = spec.value("firstSeen", "");
  w.last_seen = spec.value("lastSeen", "");
  w.writer_marks = nlohmann::json::object();
  if (meta.contains("annotations") && meta["annotations"].is_object())
    for (const auto& [k, v] : meta["annotations"].items())
      if (k.starts_with(kWriterMarkPrefix)) w.writer_marks[k] = v;
}

Writer::Read Writer::read(const Entry& e, WriterState& w, std::string& error) {
  counters_.reads.fetch_add(1, kRelaxed);
  auto got = client_.get(alerts_ref(), w.ns, e.name);
  if (got.ok()) {
    absorb(w, *got);
    return Read::kFound;
  }
  if (got.error().is_not_found()) {
    WriterState fresh;
    fresh.ns = w.ns;
    fresh.unsettled_seq = w.unsettled_seq;
    fresh.unsettled_delta = w.unsettled_delta;
    w = std::move(fresh);
    return Read::kGone;
  }
  error = "reading FalcoAlert " + w.ns + "/" + e.name + ": " + got.error().describe();
  return Read::kFailed;
}

nlohmann::json Writer::marks_patch(const WriterState& w, uint64_t seq) const {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  nlohmann::json marks = nlohmann::json::object();
  marks[mark_key_] = std::to_string(seq) + "/" + std::to_string(now);
  std::vector<std::pair<long long, std::string>> others;
  for (const auto& [k, v] : w.writer_marks.items())
    if (k != mark_key_) others.emplace_back(mark_time(v), k);
  if (others.size() >= kMaxMarks) {
    std::sort(others.begin(), others.end());
    for (size_t i = 0; i + kMaxMarks - 1 < others.size(); ++i) marks[others[i].second] = nullptr;
  }
  return marks;
}

Writer::Result Writer::write(const Due& due) {
  Entry& e = *due.entry;
  WriterState& w = e.written;
  if (w.ns.empty()) w.ns = e.key.ns.empty() ? default_ns_ : e.key.ns;
  Result result;
  uint64_t delta = due.delta;
  auto fail = [&](Outcome outcome, std::string error) {
    if (outcome == Outcome::kFailed || outcome == Outcome::kRejected) counters_.failures.fetch_add(1, kRelaxed);
    result.outcome = outcome;
    result.error = std::move(error);
    return result;
  };
  const std::string last_seen = rfc3339_seconds(due.last_ns);
  const std::string first_seen = rfc3339_seconds(due.first_ns);

  for (int request = 0; request < kMaxRequests; ++request) {
    if (!limiter_.try_acquire()) return fail(Outcome::kDeferred, "");
    bool must_read = w.unsettled_seq != 0 || (w.exists && w.resource_version.empty());
    if (must_read) {
      std::string error;
      Read r = read(e, w, error);
      if (r == Read::kFailed) return fail(Outcome::kFailed, error);
      if (w.unsettled_seq != 0) {
        // Did the write whose answer was lost land? Only this writer sets its mark.
        bool landed = r == Read::kFound && w.writer_marks.contains(mark_key_) &&
                      mark_seq(w.writer_marks[mark_key_]) == w.unsettled_seq;
        if (landed) {
          uint64_t done = std::min(delta, w.unsettled_delta);
          delta -= done;
          result.written += done;
        }
        w.unsettled_seq = w.unsettled_delta = 0;
        if (delta == 0) {
          result.outcome = Outcome::kWritten;
          return result;
        }
      }
      continue;
    }

    const uint64_t seq = ++seq_;
    kube::ApiResult<nlohmann::json> answer = kube::ApiError{};
    if (!w.exists) {
      nlohmann::json object = new_object(e, due, w.ns, delta);
      object["metadata"]["annotations"] = marks_patch(w, seq);
      counters_.creates.fetch_add(1, kRelaxed);
      answer = client_.create(alerts_ref(), w.ns, object);
    } else {
      nlohmann::json spec = sample_spec(e, due);
      spec["count"] = w.count + delta;
      // Max and min of RFC 3339 strings of one format are the max and min of the times.
      spec["lastSeen"] = std::max(w.last_seen, last_seen);
      if (w.first_seen.empty() || first_seen < w.first_seen) spec["firstSeen"] = first_seen;
      nlohmann::json patch = {
          {"metadata", {{"resourceVersion", w.resource_version}, {"annotations", marks_patch(w, seq)}}},
          {"spec", spec}};
      counters_.patches.fetch_add(1, kRelaxed);
      answer = client_.patch(alerts_ref(), w.ns, e.name, kube::PatchType::kMerge, patch);
    }
    if (answer.ok()) {
      absorb(w, *answer);
      result.written += delta;
      result.outcome = Outcome::kWritten;
      return result;
    }
    const kube::ApiError& err = answer.error();
    std::string what = "writing FalcoAlert " + w.ns + "/" + e.name + ": " + err.describe();
    if (err.is_already_exists() || err.is_conflict()) {
      // Another writer was first: read what it stored and continue from there.
      counters_.conflicts.fetch_add(1, kRelaxed);
      w.exists = true;
      w.resource_version.clear();
      continue;
    }
    if (err.is_not_found()) {
      if (w.exists) {
        w.exists = false;  // deleted (pruned) since we last wrote: start a new object
        continue;
      }
      if (w.ns != default_ns_) {
        w.ns = default_ns_;  // the namespace is gone: keep the alert in the default one
        continue;
      }
      return fail(Outcome::kFailed, what);
    }
    if (err.http_status == 0) {
      counters_.unsettled.fetch_add(1, kRelaxed);
      w.unsettled_seq = seq;
      w.unsettled_delta = delta;
      return fail(Outcome::kFailed, what);
    }
    if (err.is_transient() || err.http_status == 401 || err.http_status == 403) return fail(Outcome::kFailed, what);
    return fail(Outcome::kRejected, what);
  }
  return fail(Outcome::kFailed, "FalcoAlert " + w.ns + "/" + e.name + ": still conflicting after " +
                                    std::to_string(kMaxRequests) + " requests");
}

}  // namespace peregrine::outputs::falcoalert
