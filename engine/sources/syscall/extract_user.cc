// Extracts the user.* and group.* fields (SyscallField kUserFieldsBegin ..
// kContainerFieldsBegin). Ids come from the thread (kernel facts); names from the UserView and
// GroupView the agent resolved for them, so a missing name never hides a known id.

#include "engine/sources/syscall/extractors.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

namespace {

bool set_name(const std::string* name, Extraction& out) {
  if (!name || name->empty()) return false;
  out.set_string(*name);
  return true;
}

}  // namespace

bool extract_user_field(const SyscallEvent& e, const FieldRef& f, Extraction& out) {
  const ThreadView* t = e.thread;
  const UserView* u = e.user;
  const GroupView* g = e.group;
  switch (static_cast<SyscallField>(f.info->id)) {
    case kUserUid:
      if (!t) return false;
      out.set_uint(t->uid);
      return true;
    case kUserLoginuid:
      if (!t) return false;
      // The kernel's "unset" is (uid_t)-1; rules compare against -1 as Falco prints it.
      out.set_int(t->loginuid == 0xFFFFFFFFll ? -1 : t->loginuid);
      return true;
    case kGroupGid:
      if (!t) return false;
      out.set_uint(t->gid);
      return true;
    case kUserName: return set_name(u ? &u->name : nullptr, out);
    case kUserHomedir: return set_name(u ? &u->homedir : nullptr, out);
    case kUserShell: return set_name(u ? &u->shell : nullptr, out);
    case kUserLoginname: return set_name(u ? &u->loginname : nullptr, out);
    case kGroupName: return set_name(g ? &g->name : nullptr, out);
    default: return false;
  }
}

}  // namespace peregrine::engine
