// The user.* and group.* fields of the syscall source.

#include "engine/sources/syscall/field_defs.h"

namespace peregrine::engine {

namespace {

constexpr const char* kNameNote =
    "Missing when the agent could not read the user database of the thread's mount namespace.";

}  // namespace

std::vector<FieldDef> user_field_defs() {
  using enum FieldType;
  const ArgForm kNo = ArgForm::kNone;
  return {
      {kUserUid, "user.uid", kUint64, "Effective user id of the thread."},
      {kUserName, "user.name", kString, "Name of the effective user.", kNo, kNameNote},
      {kUserHomedir, "user.homedir", kString, "Home directory of the effective user.", kNo,
       kNameNote},
      {kUserShell, "user.shell", kString, "Login shell of the effective user.", kNo, kNameNote},
      {kUserLoginuid, "user.loginuid", kInt64,
       "Audit login user id: who logged in, kept across su and sudo; -1 when unset."},
      {kUserLoginname, "user.loginname", kString, "Name of the user in user.loginuid.", kNo,
       kNameNote},
      {kGroupGid, "group.gid", kUint64, "Effective group id of the thread."},
      {kGroupName, "group.name", kString, "Name of the effective group.", kNo, kNameNote},
  };
}

}  // namespace peregrine::engine
