#include "agent/state/user_db.h"

#include <sys/stat.h>

#include "agent/state/file_util.h"
#include "common/strings.h"

namespace peregrine::agent {
namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    size_t colon = line.find(':');
    out.push_back(line.substr(0, colon));
    if (colon == std::string_view::npos) break;
    line.remove_prefix(colon + 1);
  }
  return out;
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line[0] != '#') f(line);
  }
}

std::optional<uint32_t> parse_id(std::string_view s) {
  auto v = parse_uint64(s);
  if (!v || *v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

timespec mtime_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return st.st_mtim;
}

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

std::string join_root(const std::string& root, const char* path) {
  if (root.empty() || root == "/") return path;
  std::string out = root;
  if (out.back() == '/') out.pop_back();
  return out + path;
}

}  // namespace

std::vector<PasswdLine> parse_passwd(std::string_view text) {
  std::vector<PasswdLine> out;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_fields(line);
    if (f.size() < 7 || f[0].empty()) return;
    auto uid = parse_id(f[2]);
    if (!uid) return;
    out.push_back({std::string(f[0]), *uid, std::string(f[5]), std::string(f[6])});
  });
  return out;
}

std::vector<std::pair<uint32_t, std::string>> parse_group(std::string_view text) {
  std::vector<std::pair<uint32_t, std::string>> out;
  for_each_line(text, [&](std::string_view line) {
    auto f = split_fields(line);
    if (f.size() < 3 || f[0].empty()) return;
    auto gid = parse_id(f[2]);
    if (!gid) return;
    out.emplace_back(*gid, std::string(f[0]));
  });
  return out;
}

UserDb::UserDb(std::string root)
    : passwd_path_(join_root(root, "/etc/passwd")), group_path_(join_root(root, "/etc/group")) {
  load();
}

UserDb::UserDb(std::string passwd_text, std::string group_text)
    : passwd_text_(std::move(passwd_text)), group_text_(std::move(group_text)) {
  parse();
}

void UserDb::load() {
  passwd_mtime_ = mtime_of(passwd_path_);
  group_mtime_ = mtime_of(group_path_);
  passwd_text_ = read_small_file(passwd_path_, 16 << 20).value_or("");
  group_text_ = read_small_file(group_path_, 16 << 20).value_or("");
  parse();
}

void UserDb::parse() {
  passwd_.clear();
  group_names_.clear();
  // The first line for an id wins, as getpwuid() does.
  for (PasswdLine& p : parse_passwd(passwd_text_)) {
    passwd_.try_emplace(p.uid, Passwd{std::move(p.name), std::move(p.homedir), std::move(p.shell)});
  }
  for (auto& [gid, name] : parse_group(group_text_)) group_names_.try_emplace(gid, std::move(name));
  // Views already handed out are rewritten in place (never erased: events may point at them).
  for (auto& [key, view] : users_) {
    auto it = passwd_.find(static_cast<uint32_t>(key >> 32));
    if (it != passwd_.end()) {
      view.name = it->second.name;
      view.homedir = it->second.homedir;
      view.shell = it->second.shell;
    }
  }
  for (auto& [gid, view] : groups_) {
    auto it = group_names_.find(gid);
    if (it != group_names_.end()) view.name = it->second;
  }
}

void UserDb::refresh() {
  if (passwd_path_.empty()) return;
  if (!same_time(mtime_of(passwd_path_), passwd_mtime_) || !same_time(mtime_of(group_path_), group_mtime_)) {
    load();
  }
}

const engine::UserView* UserDb::user(uint32_t uid, int64_t loginuid) {
  uint32_t login = loginuid < 0 ? UINT32_MAX : static_cast<uint32_t>(loginuid);
  uint64_t key = (static_cast<uint64_t>(uid) << 32) | login;
  if (last_user_ && key == last_user_key_) return last_user_;
  auto found = users_.find(key);
  if (found != users_.end()) {
    last_user_key_ = key;
    last_user_ = &found->second;
    return last_user_;
  }
  auto it = passwd_.find(uid);
  if (it == passwd_.end()) return nullptr;
  engine::UserView& view = users_[key];
  view.name = it->second.name;
  view.homedir = it->second.homedir;
  view.shell = it->second.shell;
  if (loginuid >= 0) {
    auto l = passwd_.find(login);
    if (l != passwd_.end()) view.loginname = l->second.name;
  }
  return &view;
}

const engine::GroupView* UserDb::group(uint32_t gid) {
  if (last_group_ && gid == last_gid_) return last_group_;
  auto found = groups_.find(gid);
  if (found != groups_.end()) {
    last_gid_ = gid;
    last_group_ = &found->second;
    return last_group_;
  }
  auto it = group_names_.find(gid);
  if (it == group_names_.end()) return nullptr;
  engine::GroupView& view = groups_[gid];
  view.name = it->second;
  return &view;
}

}  // namespace peregrine::agent
