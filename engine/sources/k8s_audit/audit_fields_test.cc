#include "engine/sources/k8s_audit/audit_fields.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/strings.h"
#include "engine/sources/generic_fields.h"
#include "engine/sources/k8s_audit/audit_source.h"

namespace peregrine::engine {
namespace {

// One row of the `k8s_audit` table in compat/fields.md: | `name` | type | arg | uses |
struct CompatRow {
  std::string name, type, arg;
};

std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  line = trim(line);
  if (line.starts_with('|')) line.remove_prefix(1);
  if (line.ends_with('|')) line.remove_suffix(1);
  while (true) {
    size_t bar = line.find('|');
    cells.push_back(trim(line.substr(0, bar)));
    if (bar == std::string_view::npos) break;
    line.remove_prefix(bar + 1);
  }
  return cells;
}

std::vector<CompatRow> k8s_audit_compat_rows() {
  std::ifstream in(std::string(PEREGRINE_COMPAT_DIR) + "/fields.md");
  EXPECT_TRUE(in.good()) << "cannot open " << PEREGRINE_COMPAT_DIR << "/fields.md";
  std::vector<CompatRow> rows;
  bool in_section = false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) {
      in_section = line.find("`k8s_audit`") != std::string::npos;
      continue;
    }
    if (!in_section || !line.starts_with("| `")) continue;
    auto cells = split_cells(line);
    if (cells.size() < 3) continue;
    std::string_view name = cells[0];
    if (name.size() < 2 || name.front() != '`' || name.back() != '`') continue;
    rows.push_back({std::string(name.substr(1, name.size() - 2)), std::string(cells[1]),
                    std::string(cells[2])});
  }
  return rows;
}

TEST(AuditFields, RegistryResolvesEveryCompatField) {
  AuditSource source("node-1");
  const FieldRegistry& reg = source.fields();
  auto rows = k8s_audit_compat_rows();
  ASSERT_GT(rows.size(), 100u) << "the k8s_audit section of fields.md was not found";
  for (const CompatRow& row : rows) {
    SCOPED_TRACE(row.name);
    const FieldInfo* f = reg.find(row.name);
    ASSERT_NE(f, nullptr) << "missing field " << row.name;
    EXPECT_EQ(f->type, FieldType::kString);
    EXPECT_EQ(f->is_list, row.type.find("(list)") != std::string::npos);
    EXPECT_FALSE(f->description.empty());

    std::optional<std::string_view> sample;
    if (row.arg == "Index") {
      EXPECT_EQ(f->arg, ArgMode::kOptional);
      EXPECT_TRUE(f->arg_is_index);
      sample = "0";
    } else if (row.arg == "Key, Required") {
      EXPECT_EQ(f->arg, ArgMode::kRequired);
      EXPECT_FALSE(f->arg_is_index);
      sample = "some-key";
    } else if (row.arg == "json pointer") {
      EXPECT_EQ(f->arg, ArgMode::kRequired);
      sample = "/objectRef/resource";
    } else {
      EXPECT_EQ(row.arg, "");
      EXPECT_EQ(f->arg, ArgMode::kNone);
    }
    if (f->arg != ArgMode::kRequired) {
      auto plain = reg.resolve(row.name, std::nullopt);
      EXPECT_TRUE(plain.ok()) << plain.error().message;
    }
    if (sample) {
      auto with_arg = reg.resolve(row.name, sample);
      EXPECT_TRUE(with_arg.ok()) << with_arg.error().message;
    }
  }
}

TEST(AuditFields, GenericFieldsComeFirst) {
  AuditSource source("node-1");
  const auto& fields = source.fields().fields();
  auto generic = generic_fields();
  ASSERT_GT(fields.size(), generic.size());
  for (size_t i = 0; i < generic.size(); ++i) {
    EXPECT_EQ(fields[i].name, generic[i].name);
    EXPECT_EQ(fields[i].id, i);
  }
}

TEST(AuditFields, TableAndRecipesLineUp) {
  AuditFieldTable t = audit_field_table();
  ASSERT_EQ(t.infos.size(), t.specs.size());
  for (size_t i = 0; i < t.specs.size(); ++i) {
    SCOPED_TRACE(t.infos[i].name);
    EXPECT_EQ(t.specs[i].op == AuditOp::kGeneric, i < kGenericFieldCount);
    EXPECT_FALSE(t.infos[i].description.empty());
  }
}

TEST(AuditFields, JevtTimeFieldsAndNames) {
  AuditSource source("node-1");
  const FieldRegistry& reg = source.fields();
  for (const char* name : {"jevt.time", "jevt.time.iso8601", "jevt.rawtime", "jevt.obj"}) {
    EXPECT_NE(reg.find(name), nullptr) << name;
  }
  // Every field of the source is a ka.*, jevt.* or generic evt.* field, each named once.
  std::set<std::string> seen;
  for (const FieldInfo& f : reg.fields()) {
    EXPECT_TRUE(f.name.starts_with("ka.") || f.name.starts_with("jevt.") ||
                f.name.starts_with("evt."))
        << f.name;
    EXPECT_TRUE(seen.insert(f.name).second) << "duplicate " << f.name;
  }
}

TEST(AuditFields, ArgumentErrors) {
  AuditSource source("node-1");
  const FieldRegistry& reg = source.fields();
  EXPECT_FALSE(reg.resolve("ka.uri.param", std::nullopt).ok());
  EXPECT_FALSE(reg.resolve("jevt.value", std::nullopt).ok());
  EXPECT_FALSE(reg.resolve("ka.req.pod.containers.image", std::string_view("first")).ok());
  EXPECT_FALSE(reg.resolve("ka.verb", std::string_view("0")).ok());
  auto typo = reg.resolve("ka.user.nmae", std::nullopt);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("ka.user.name"), std::string::npos);
}

TEST(AuditFields, ClusterNameExplainsAvailability) {
  AuditSource source("node-1");
  const FieldInfo* f = source.fields().find("ka.cluster.name");
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->availability.empty());
}

}  // namespace
}  // namespace peregrine::engine
