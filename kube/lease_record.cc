#include "kube/lease_record.h"

#include <cstdio>
#include <ctime>

#include "common/time_format.h"

namespace peregrine::kube {

using nlohmann::json;

std::string format_micro_time(std::chrono::system_clock::time_point t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  long long secs = micros / 1000000;
  long long frac = micros % 1000000;
  if (frac < 0) {  // before 1970: keep the fraction positive
    frac += 1000000;
    --secs;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_micro_time(const std::string& text) {
  auto ns = parse_rfc3339(text);
  if (!ns) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*ns)));
}

json lease_spec(const LeaseRecord& record) {
  return {{"holderIdentity", record.holder_identity},
          {"leaseDurationSeconds", record.lease_duration_seconds},
          {"acquireTime", format_micro_time(record.acquire_time)},
          {"renewTime", format_micro_time(record.renew_time)},
          {"leaseTransitions", record.lease_transitions}};
}

LeaseRecord lease_record_from(const json& lease) {
  LeaseRecord r;
  auto spec = lease.find("spec");
  if (spec == lease.end() || !spec->is_object()) return r;
  auto text = [&](const char* key) {
    auto it = spec->find(key);
    return it != spec->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto number = [&](const char* key) {
    auto it = spec->find(key);
    return it != spec->end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  r.holder_identity = text("holderIdentity");
  r.lease_duration_seconds = number("leaseDurationSeconds");
  r.lease_transitions = number("leaseTransitions");
  r.acquire_time = parse_micro_time(text("acquireTime")).value_or(std::chrono::system_clock::time_point{});
  r.renew_time = parse_micro_time(text("renewTime")).value_or(std::chrono::system_clock::time_point{});
  return r;
}

}  // namespace peregrine::kube
