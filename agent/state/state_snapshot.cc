#include "agent/state/state_snapshot.h"

#include <map>

namespace peregrine::agent {
namespace {

using nlohmann::json;

json ip_json(const engine::IpAddr& a) { return a.family == 0 ? json() : json(a.to_string()); }

engine::IpAddr ip_from(const json& j) {
  if (!j.is_string()) return {};
  return engine::IpAddr::parse(j.get<std::string>()).value_or(engine::IpAddr{});
}

json fd_json(const FdEntry& e) {
  const engine::FdView& v = e.view;
  return json{{"num", v.num},
              {"type", static_cast<int>(v.type)},
              {"name", v.name},
              {"nameraw", v.nameraw},
              {"ino", v.ino},
              {"l4proto", static_cast<int>(v.l4proto)},
              {"role", static_cast<int>(v.role)},
              {"cip", ip_json(v.cip)},
              {"sip", ip_json(v.sip)},
              {"cport", v.cport},
              {"sport", v.sport},
              {"connected", v.connected},
              {"cloexec", e.cloexec}};
}

FdEntry fd_from(const json& j) {
  FdEntry e;
  engine::FdView& v = e.view;
  v.num = j.at("num").get<int64_t>();
  v.type = static_cast<engine::FdType>(j.at("type").get<int>());
  v.name = j.at("name").get<std::string>();
  v.nameraw = j.value("nameraw", "");
  v.ino = j.value("ino", int64_t{0});
  v.l4proto = static_cast<engine::L4Proto>(j.value("l4proto", 0));
  v.role = static_cast<engine::SocketRole>(j.value("role", 0));
  v.cip = ip_from(j.value("cip", json()));
  v.sip = ip_from(j.value("sip", json()));
  v.cport = j.value("cport", uint16_t{0});
  v.sport = j.value("sport", uint16_t{0});
  v.connected = j.value("connected", false);
  e.cloexec = j.value("cloexec", false);
  return e;
}

json thread_json(const ProcessTable& table, const ThreadState& t) {
  const engine::ThreadView& v = t.view;
  json cgroups = json::array();
  for (const auto& cg : v.cgroups) cgroups.push_back({cg.subsystem, cg.path});
  json j{{"tid", v.tid},     {"pid", v.pid},       {"ppid", v.ppid},         {"vtid", v.vtid},
         {"vpid", v.vpid},   {"sid", v.sid},       {"vpgid", v.vpgid},       {"comm", v.comm},
         {"exe", v.exe},     {"exepath", v.exepath}, {"args", v.args},       {"env", v.env},
         {"cwd", v.cwd},     {"uid", v.uid},       {"gid", v.gid},           {"loginuid", v.loginuid},
         {"tty", v.tty},     {"start_ts", v.start_ts_ns}, {"cap_permitted", v.cap_permitted},
         {"cap_effective", v.cap_effective}, {"cap_inheritable", v.cap_inheritable},
         {"cgroups", cgroups}, {"cgroup_id", t.cgroup_id}, {"incomplete", t.incomplete}};
  // A thread shares its process's fd table; only the process lists the fds.
  const ThreadState* main = nullptr;
  if (auto it = table.threads().find(v.pid); it != table.threads().end()) main = it->second.get();
  if (v.tid != v.pid && main && main->fds == t.fds) {
    j["fds_of"] = v.pid;
  } else {
    std::map<int64_t, const FdEntry*> fds;
    for (const auto& [num, e] : t.fds->entries()) fds.emplace(num, &e);
    json list = json::array();
    for (const auto& [num, e] : fds) list.push_back(fd_json(*e));
    j["fds"] = std::move(list);
  }
  return j;
}

}  // namespace

json snapshot_thread(const ProcessTable& table, const ThreadState& t) {
  return json{{"threads", json::array({thread_json(table, t)})}};
}

json snapshot_cgroups(uint64_t id, const std::vector<engine::CgroupView>& cgroups) {
  json paths = json::array();
  for (const auto& cg : cgroups) paths.push_back({cg.subsystem, cg.path});
  return json{{"cgroups", json::array({json{{"id", id}, {"paths", paths}}})}};
}

json snapshot_state(const ProcessTable& table, const UserFiles& users) {
  json threads = json::array();
  // Sorted by tid so a snapshot of the same state is the same bytes.
  std::map<int64_t, const ThreadState*> sorted;
  for (const auto& [tid, t] : table.threads()) sorted.emplace(tid, t.get());
  for (const auto& [tid, t] : sorted) threads.push_back(thread_json(table, *t));
  return json{{"threads", std::move(threads)}, {"passwd", users.passwd}, {"group", users.group}};
}

Status restore_state(const json& snapshot, ProcessTable& table, UserFiles& users,
                     std::vector<LearnedCgroups>& cgroups) {
  try {
    if (snapshot.contains("passwd")) {
      users.passwd = snapshot.value("passwd", "");
      users.group = snapshot.value("group", "");
    }
    for (const json& c : snapshot.value("cgroups", json::array())) {
      LearnedCgroups learned;
      learned.id = c.at("id").get<uint64_t>();
      for (const json& p : c.at("paths")) {
        engine::CgroupView cg;
        cg.subsystem = p.at(0).get<std::string>();
        cg.path = p.at(1).get<std::string>();
        learned.cgroups.push_back(std::move(cg));
      }
      cgroups.push_back(std::move(learned));
    }
    std::vector<std::pair<int64_t, int64_t>> shared;  // (tid, fds owner pid)
    for (const json& j : snapshot.value("threads", json::array())) {
      ThreadState t;
      engine::ThreadView& v = t.view;
      v.tid = j.at("tid").get<int64_t>();
      v.pid = j.at("pid").get<int64_t>();
      v.ppid = j.value("ppid", int64_t{-1});
      v.vtid = j.value("vtid", int64_t{-1});
      v.vpid = j.value("vpid", int64_t{-1});
      v.sid = j.value("sid", int64_t{-1});
      v.vpgid = j.value("vpgid", int64_t{-1});
      v.comm = j.value("comm", "");
      v.exe = j.value("exe", "");
      v.exepath = j.value("exepath", "");
      v.args = j.value("args", std::vector<std::string>{});
      v.env = j.value("env", std::vector<std::string>{});
      v.cwd = j.value("cwd", "");
      v.uid = j.value("uid", uint32_t{0});
      v.gid = j.value("gid", uint32_t{0});
      v.loginuid = j.value("loginuid", int64_t{-1});
      v.tty = j.value("tty", uint32_t{0});
      v.start_ts_ns = j.value("start_ts", uint64_t{0});
      v.cap_permitted = j.value("cap_permitted", uint64_t{0});
      v.cap_effective = j.value("cap_effective", uint64_t{0});
      v.cap_inheritable = j.value("cap_inheritable", uint64_t{0});
      for (const json& cg : j.value("cgroups", json::array())) {
        engine::CgroupView c;
        c.subsystem = cg.at(0).get<std::string>();
        c.path = cg.at(1).get<std::string>();
        v.cgroups.push_back(std::move(c));
      }
      t.cgroup_id = j.value("cgroup_id", uint64_t{0});
      t.incomplete = j.value("incomplete", false);
      if (j.contains("fds_of")) {
        shared.emplace_back(v.tid, j["fds_of"].get<int64_t>());
      } else {
        for (const json& f : j.value("fds", json::array())) {
          FdEntry e = fd_from(f);
          t.fds->put(std::move(e.view), e.cloexec);
        }
      }
      table.insert(std::move(t));
    }
    for (auto [tid, owner] : shared) {
      ThreadState* t = table.find(tid);
      ThreadState* o = table.find(owner);
      if (t && o) t->fds = o->fds;
    }
    table.relink_all();
    return {};
  } catch (const json::exception& e) {
    return make_error(std::string("state snapshot: ") + e.what());
  }
}

}  // namespace peregrine::agent
