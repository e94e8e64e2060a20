#include "engine/sources/syscall/syscall_fields.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sources/generic_fields.h"

namespace peregrine::engine {
namespace {

TEST(SyscallFields, EveryIdHasExactlyOneDefinitionInOrder) {
  std::vector<FieldInfo> fields = syscall_fields();
  ASSERT_EQ(fields.size(), static_cast<size_t>(kSyscallFieldCount));
  std::vector<FieldInfo> generic = generic_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_FALSE(fields[i].name.empty()) << "no definition for field id " << i;
    EXPECT_FALSE(fields[i].description.empty()) << fields[i].name;
    if (i < generic.size()) {
      EXPECT_EQ(fields[i].name, generic[i].name);
    }
  }
  const FieldRegistry& r = syscall_field_registry();
  ASSERT_EQ(r.fields().size(), fields.size());
  for (size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(r.fields()[i].id, i);
  EXPECT_EQ(r.find("evt.type")->id, kEvtType);
  EXPECT_EQ(r.find("proc.name")->id, kProcName);
  EXPECT_EQ(r.find("fd.num")->id, kFdNum);
  EXPECT_EQ(r.find("user.uid")->id, kUserUid);
  EXPECT_EQ(r.find("container.id")->id, kContainerId);
  EXPECT_EQ(r.find("k8s.pod.label")->id, kK8sPodLabel);
}

TEST(SyscallFields, ArgumentForms) {
  const FieldRegistry& r = syscall_field_registry();
  auto ok = [&](std::string_view name, std::optional<std::string_view> arg = std::nullopt) {
    auto ref = r.resolve(name, arg);
    EXPECT_TRUE(ref.ok()) << name << (ref.ok() ? "" : ": " + ref.error().message);
    return ref.ok() ? *ref : FieldRef{};
  };
  auto bad = [&](std::string_view name, std::optional<std::string_view> arg = std::nullopt) {
    EXPECT_FALSE(r.resolve(name, arg).ok()) << name;
  };

  EXPECT_FALSE(ok("proc.aname").has_arg);
  EXPECT_EQ(ok("proc.aname", "3").arg_index, 3u);
  bad("proc.aname", "x");
  EXPECT_EQ(ok("evt.arg.flags").arg, "flags");
  EXPECT_EQ(ok("evt.arg", "0").arg, "0");
  EXPECT_EQ(ok("evt.rawarg.res").info->name, "evt.rawarg");
  bad("evt.arg");
  EXPECT_EQ(ok("proc.env", "HOME").arg, "HOME");
  EXPECT_FALSE(ok("proc.env").has_arg);
  EXPECT_EQ(ok("container.mount.dest", "/proc*").arg, "/proc*");
  EXPECT_EQ(ok("container.mount.source", "0").arg, "0");
  bad("container.mount.dest");
  EXPECT_EQ(ok("k8s.pod.label.app.kubernetes.io/name").arg, "app.kubernetes.io/name");
  EXPECT_EQ(ok("k8s.pod.label", "app").arg, "app");
  EXPECT_EQ(ok("k8s.pod.labels").info->name, "k8s.pod.labels");
  EXPECT_EQ(ok("thread.cgroup.cpu").arg, "cpu");
  bad("proc.name", "1");
  bad("proc.nme");
}

TEST(SyscallFields, UnavailableFieldsSayWhy) {
  const FieldRegistry& r = syscall_field_registry();
  EXPECT_FALSE(r.find("evt.plugininfo")->availability.empty());
  EXPECT_FALSE(r.find("container.image")->availability.empty());
  EXPECT_FALSE(r.find("k8s.pod.name")->availability.empty());
  EXPECT_TRUE(r.find("proc.name")->availability.empty());
}

// --- compat: every field real-world rules use -------------------------------------------------

struct CompatField {
  std::string name;
  std::string type;
  std::vector<std::string> args;
};

std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '`')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '`')) s.remove_suffix(1);
  return s;
}

// The table of fields.md's "## `syscall` source" section: | `field` | type | uses | args |.
std::vector<CompatField> read_compat_syscall_fields() {
  std::ifstream in(std::string(PEREGRINE_COMPAT_DIR) + "/fields.md");
  std::vector<CompatField> fields;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) {
      in_section = line.find("`syscall`") != std::string::npos;
      continue;
    }
    if (!in_section || !line.starts_with("| `")) continue;
    std::vector<std::string_view> cells;
    std::string_view rest = line;
    rest.remove_prefix(1);
    for (size_t bar; (bar = rest.find('|')) != std::string_view::npos; rest.remove_prefix(bar + 1)) {
      cells.push_back(strip(rest.substr(0, bar)));
    }
    if (cells.size() < 4) continue;
    CompatField f{std::string(cells[0]), std::string(cells[1]), {}};
    std::string_view args = cells[3];
    if (!args.empty() && args.front() != '(') {  // "(commonly used ...)" is a note, not args
      for (size_t comma; !args.empty(); args.remove_prefix(comma == args.npos ? args.size() : comma + 1)) {
        comma = args.find(',');
        std::string_view a = strip(args.substr(0, comma));
        if (!a.empty()) f.args.emplace_back(a);
      }
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

std::optional<FieldType> compat_type(std::string_view falco_type) {
  static const std::map<std::string, FieldType, std::less<>> kTypes = {
      {"charbuf", FieldType::kString}, {"string", FieldType::kString},
      {"uint32", FieldType::kUint64},  {"uint64", FieldType::kUint64},
      {"int64", FieldType::kInt64},    {"port", FieldType::kPort},
      {"ipaddr", FieldType::kIpAddr},  {"ipnet", FieldType::kIpNet},
      {"abstime", FieldType::kAbsTime}, {"reltime", FieldType::kRelTime},
      {"bool", FieldType::kBool},      {"bytebuf", FieldType::kBytes},
  };
  auto it = kTypes.find(falco_type);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

// Where our type knowingly differs from the list's: evt.time is a generic field
// (generic_fields.cc) that formats the time as text, as Falco's classic output prints it.
bool known_type_difference(std::string_view field) { return field == "evt.time"; }

TEST(SyscallFieldsCompat, ResolvesEveryFieldRealRulesUse) {
  std::vector<CompatField> compat = read_compat_syscall_fields();
  ASSERT_GT(compat.size(), 100u) << "could not read the syscall table of " PEREGRINE_COMPAT_DIR
                                    "/fields.md";
  const FieldRegistry& r = syscall_field_registry();
  for (const CompatField& c : compat) {
    SCOPED_TRACE(c.name);
    std::vector<Result<FieldRef>> refs;
    if (c.args.empty()) {
      refs.push_back(r.resolve(c.name, std::nullopt));
    } else {
      for (const std::string& a : c.args) refs.push_back(r.resolve(c.name, a));
    }
    for (const Result<FieldRef>& ref : refs) {
      ASSERT_TRUE(ref.ok()) << ref.error().message;
      std::optional<FieldType> want = compat_type(c.type);
      ASSERT_TRUE(want.has_value()) << "unknown type " << c.type << " in fields.md";
      if (!known_type_difference(c.name)) {
        EXPECT_EQ(field_type_name(ref->info->type), field_type_name(*want));
      }
    }
  }
}

}  // namespace
}  // namespace peregrine::engine
