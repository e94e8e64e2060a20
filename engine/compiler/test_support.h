#pragma once
// Test-only helpers for the engine core's unit tests:
//  - SyscallScene: a hand-built syscall event (`cat /etc/shadow` typed at an interactive bash
//    inside a Kubernetes pod's container, bash started by containerd-shim, under systemd).
//  - ConditionHarness: compiles condition text for one source, with lists and macros given
//    inline, and evaluates it on an event, the way the rule compiler and ruleset do.
//  - load(): runs rules text through Engine::load_texts.
// Header-only so every *_test.cc can use it without a CMake edit.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/compiler/compiler.h"
#include "engine/compiler/flat_program.h"
#include "engine/condition/parser.h"
#include "engine/engine.h"
#include "engine/sources/syscall/event_types.h"
#include "engine/sources/syscall/syscall_event.h"
#include "engine/sources/syscall/syscall_source.h"

namespace peregrine::engine::testing {

inline constexpr uint64_t kSec = 1'000'000'000ull;
// 2023-11-14T22:13:20.123456789Z
inline constexpr uint64_t kSceneTime = 1'700'000'000 * kSec + 123'456'789;

struct SyscallScene {
  ThreadView systemd, shim, bash, cat;
  UserView user;
  GroupView group;
  FdView fd;
  ContainerView container;
  K8sView k8s;
  std::vector<SyscallArg> args;
  SyscallEvent event;

  SyscallScene() {
    ids(systemd, 1, 0);
    program(systemd, "systemd", "/sbin/init", "/usr/lib/systemd/systemd", {});
    ids(shim, 900, 1);
    program(shim, "containerd-shim", "containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2",
            {"-namespace", "k8s.io"});
    shim.parent = &systemd;
    ids(bash, 1000, 900);
    program(bash, "bash", "bash", "/usr/bin/bash", {"-i"});
    bash.tty = 34816;
    bash.start_ts_ns = kSceneTime - 60 * kSec;
    bash.parent = &shim;
    ids(cat, 1001, 1000);
    program(cat, "cat", "cat", "/usr/bin/cat", {"/etc/shadow"});
    cat.env = {"HOME=/root", "PATH=/usr/bin:/bin"};
    cat.cwd = "/root/";
    cat.tty = 34816;
    cat.start_ts_ns = kSceneTime - 2 * kSec;
    cat.parent = &bash;

    user.name = "root";
    user.homedir = "/root";
    user.shell = "/bin/bash";
    group.name = "root";

    fd.num = 3;
    fd.type = FdType::kFile;
    fd.name = "/etc/shadow";
    fd.nameraw = "/etc/shadow";

    container.id = "0123456789ab";
    container.full_id = std::string(64, 'a');
    container.name = "web";
    container.type = "containerd";
    container.image = "docker.io/library/nginx:1.25";
    container.image_repository = "docker.io/library/nginx";
    container.image_tag = "1.25";
    container.privileged = false;

    k8s.ns_name = "default";
    k8s.pod_name = "web-1";
    k8s.pod_uid = "uid-1";
    k8s.pod_labels = {{"app", "web"}};

    // openat(AT_FDCWD, "/etc/shadow", O_RDONLY|O_CLOEXEC) = 3
    args = {{.name = "fd", .text = "3(<f>/etc/shadow)", .raw = 3, .has_raw = true},
            {.name = "dirfd", .text = "-100(AT_FDCWD)", .raw = -100, .has_raw = true},
            {.name = "name", .text = "/etc/shadow"},
            {.name = "flags", .text = "O_RDONLY|O_CLOEXEC", .raw = 02000000, .has_raw = true},
            {.name = "mode", .text = "0", .raw = 0, .has_raw = true}};

    event.type = kSysOpenat;
    event.timestamp_ns = kSceneTime;
    event.num = 42;
    event.res = 3;
    event.args = args;
    event.thread = &cat;
    event.user = &user;
    event.group = &group;
    event.fd = &fd;
    event.container = &container;
    event.k8s = &k8s;
  }

  // Turns the event into `bash -i` being executed by containerd-shim in the container with a
  // terminal attached (what `kubectl exec -it ... bash` looks like).
  void become_shell_exec() {
    exec_args = {{.name = "res", .text = "0", .raw = 0, .has_raw = true},
                 {.name = "exe", .text = "bash"},
                 {.name = "flags", .text = "EXE_WRITABLE", .raw = 0, .has_raw = true}};
    event.type = kSysExecve;
    event.res = 0;
    event.args = exec_args;
    event.thread = &bash;
    event.fd = nullptr;
  }

  static void ids(ThreadView& t, int64_t pid, int64_t ppid) {
    t.tid = t.pid = t.vtid = t.vpid = pid;
    t.ppid = ppid;
    t.sid = t.vpgid = pid;
  }
  static void program(ThreadView& t, std::string comm, std::string exe, std::string exepath,
                      std::vector<std::string> argv) {
    t.comm = std::move(comm);
    t.exe = std::move(exe);
    t.exepath = std::move(exepath);
    t.args = std::move(argv);
  }

  std::vector<SyscallArg> exec_args;
};

// Compiles conditions the way the rule compiler does (lists expanded, macros inlined, fields
// interned into a FieldTable) and evaluates them on one event.
class ConditionHarness {
 public:
  explicit ConditionHarness(const EventSource& source) : source_(source) {}

  void list(const std::string& name, const std::vector<std::string>& items) {
    std::vector<ast::Literal> lits;
    for (const auto& i : items) lits.push_back(parse_list_item(i));
    defs_.lists[name] = std::move(lits);
  }
  void macro(const std::string& name, std::string_view text) {
    auto parsed = parse_condition(text);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.error().message;
    defs_.macros[name] = MacroDef{name, parsed.node()};
  }

  // The compile (or parse) error for `cond`, or "" when it compiles.
  std::string error(std::string_view cond) {
    auto parsed = parse_condition(cond);
    if (!parsed.ok()) return "parse: " + parsed.error().message;
    FieldTable table;
    ConditionCompiler compiler(source_, table, defs_);
    if (!compiler.compile(parsed.node())) return compiler.error().message;
    return "";
  }

  // The compiled condition (test fails if it does not compile).
  std::optional<CompiledCondition> compile(std::string_view cond) {
    auto parsed = parse_condition(cond);
    EXPECT_TRUE(parsed.ok()) << cond << ": " << parsed.error().message;
    if (!parsed.ok()) return std::nullopt;
    table_ = std::make_unique<FieldTable>();
    ConditionCompiler compiler(source_, *table_, defs_);
    auto out = compiler.compile(parsed.node());
    EXPECT_TRUE(out.has_value()) << cond << ": " << compiler.error().message;
    return out;
  }

  // Whether `cond` matches `event`; a condition that does not compile fails the test.
  bool matches(std::string_view cond, const Event& event) {
    auto compiled = compile(cond);
    if (!compiled) return false;
    EvalContext ctx(source_, *table_);
    ctx.begin(event);
    bool first = compiled->program->eval(ctx);
    // A second evaluation of the same event reuses the cached slots: same answer.
    ctx.begin(event);
    EXPECT_EQ(first, compiled->program->eval(ctx)) << cond;
    // The flat program (inline checks, jumps for and/or/not) answers as the tree does, with
    // the slots filled by the tree and with fresh ones.
    FlatProgram flat = FlatProgram::build(*compiled->program, nullptr);
    EXPECT_EQ(first, flat.eval(ctx)) << cond;
    EvalContext fresh(source_, *table_);
    fresh.begin(event);
    EXPECT_EQ(first, flat.eval(fresh)) << cond;
    return first;
  }

 private:
  const EventSource& source_;
  Definitions defs_;
  std::unique_ptr<FieldTable> table_;
};

// Loads rules text (one or more named files) through the Engine, as the CLI does.
inline LoadResult load(const Engine& engine,
                       const std::vector<std::pair<std::string, std::string>>& files) {
  return engine.load_texts(files);
}
inline LoadResult load(const Engine& engine, const std::string& text) {
  return engine.load_texts({{"rules.yaml", text}});
}

// Every error (or warning) as `line:col: message`, for readable assertions.
inline std::vector<std::string> messages(const LoadReport& report, bool errors = true) {
  std::vector<std::string> out;
  for (const auto& f : report.files)
    for (const auto& d : errors ? f.errors : f.warnings)
      out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
  return out;
}

inline const Diagnostic* find_code(const LoadReport& report, std::string_view code,
                                   bool errors = true) {
  for (const auto& f : report.files)
    for (const auto& d : errors ? f.errors : f.warnings)
      if (d.code == code) return &d;
  return nullptr;
}

// The names of the rules of `source` that match `event`, in evaluation order.
inline std::vector<std::string> fired(const Ruleset& ruleset, const Event& event,
                                      std::string_view source = "syscall",
                                      RuleMatching matching = RuleMatching::kAll) {
  std::vector<std::string> out;
  const SourceRuleset* rules = ruleset.for_source(source);
  if (!rules) return out;
  auto ctx = rules->new_context();
  rules->evaluate(*ctx, event, matching, [&](const CompiledRule& r) { out.push_back(r.name); });
  return out;
}

inline const CompiledRule* find_rule(const Ruleset& ruleset, std::string_view name) {
  for (const auto& s : ruleset.sources())
    for (const auto& r : s->rules())
      if (r.name == name) return &r;
  return nullptr;
}

inline std::string dump(const LoadReport& report) {
  std::string out;
  for (const auto& f : report.files) {
    for (const auto& d : f.errors) out += "error " + d.code + " " + d.to_string() + "\n";
    for (const auto& d : f.warnings) out += "warning " + d.code + " " + d.to_string() + "\n";
  }
  return out;
}

// One rule's YAML: priority WARNING, `warn_evttypes: false` (tests use conditions of any
// breadth), then any further lines in `extra`.
inline std::string rule_yaml(const std::string& name, const std::string& condition, const std::string& output,
                             const std::string& extra = "") {
  return "- rule: " + name + "\n  desc: d\n  condition: " + condition + "\n  output: " + output +
         "\n  priority: WARNING\n  warn_evttypes: false\n" + extra;
}

// load() for rules that must load cleanly: the ruleset, and a test failure naming every
// diagnostic when they do not.
inline std::shared_ptr<const Ruleset> load_ok(const Engine& engine, const std::string& text) {
  auto r = load(engine, text);
  EXPECT_TRUE(r.report.ok()) << dump(r.report);
  return r.ruleset;
}

}  // namespace peregrine::engine::testing
