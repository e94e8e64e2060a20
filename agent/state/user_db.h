#pragma once
// User and group names from a passwd/group pair (the host's, under a configurable root such
// as /host when the agent runs in a container).
//
// Views returned by user()/group() stay valid for the UserDb's lifetime: an entry is never
// erased, only overwritten in place when the files are re-read, so an event may point at one.
// Not thread-safe: the thread that applies events to the state owns it.

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

class UserDb {
 public:
  // Reads <root>/etc/passwd and <root>/etc/group ("" or "/" for the real root). Missing files
  // leave the tables empty: names then read as unknown, never as an error.
  explicit UserDb(std::string root);
  // From the files' text (a capture's snapshot); refresh() then never re-reads anything.
  UserDb(std::string passwd_text, std::string group_text);

  // The user with that uid; nullptr when the files do not name it. `loginuid` (-1 for none)
  // fills UserView::loginname.
  const engine::UserView* user(uint32_t uid, int64_t loginuid);
  const engine::GroupView* group(uint32_t gid);

  // Re-reads the files if they changed since the last read. Cheap when they did not (two
  // stat calls); the agent calls it at most once a second.
  void refresh();

  // The text names are currently resolved from (for capture snapshots).
  const std::string& passwd_text() const { return passwd_text_; }
  const std::string& group_text() const { return group_text_; }

 private:
  struct Passwd {
    std::string name, homedir, shell;
  };
  void load();
  void parse();

  std::string passwd_path_, group_path_;  // empty: built from text
  std::string passwd_text_, group_text_;
  timespec passwd_mtime_{}, group_mtime_{};
  std::unordered_map<uint32_t, Passwd> passwd_;
  std::unordered_map<uint32_t, std::string> group_names_;
  // Handed-out views, keyed by (uid, loginuid) and gid.
  std::unordered_map<uint64_t, engine::UserView> users_;
  std::unordered_map<uint32_t, engine::GroupView> groups_;
  // The last views user() and group() found (views are never erased: the pointers stay good).
  uint64_t last_user_key_ = 0;
  const engine::UserView* last_user_ = nullptr;
  uint32_t last_gid_ = 0;
  const engine::GroupView* last_group_ = nullptr;
};

// Parses passwd text: name -> (uid, home, shell) lines; malformed lines are skipped.
struct PasswdLine {
  std::string name;
  uint32_t uid = 0;
  std::string homedir;
  std::string shell;
};
std::vector<PasswdLine> parse_passwd(std::string_view text);
// Parses group text into (gid, name) pairs.
std::vector<std::pair<uint32_t, std::string>> parse_group(std::string_view text);

}  // namespace peregrine::agent
