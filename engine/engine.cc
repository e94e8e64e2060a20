#include "engine/engine.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/rules/rule_compiler.h"
#include "engine/rules/rule_reader.h"
#include "engine/rules/tenant_scope.h"
#include "engine/sources/k8s_audit/audit_source.h"
#include "engine/sources/syscall/syscall_source.h"

namespace peregrine::engine {
namespace {

// A text to load, by reference: neither overload of load_texts copies texts to share this.
struct TextRef {
  const std::string& name;
  const std::string& text;
  const std::string& tenant;
};

LoadResult load_refs(const std::vector<TextRef>& texts, const std::vector<const EventSource*>& sources) {
  LoadResult out;
  RuleDocument doc;
  for (const auto& t : texts) read_rules_file(doc, out.report, t.name, t.text, t.tenant);
  // A cluster-wide text loaded after a tenant's may define a name the tenant already has.
  if (!doc.tenants.empty()) check_tenant_shadowing(doc, out.report);
  // Compile even after reading errors, so one run reports mistakes of both kinds; the ruleset
  // is kept only when there were none.
  auto ruleset = compile_rules(doc, sources, out.report);
  if (out.report.ok()) out.ruleset = std::move(ruleset);
  return out;
}

}  // namespace

Engine::Engine(std::string hostname) : hostname_(std::move(hostname)) {
  sources_.push_back(std::make_unique<SyscallSource>(hostname_));
  sources_.push_back(std::make_unique<AuditSource>(hostname_));
  for (const auto& s : sources_) source_ptrs_.push_back(s.get());
}

Engine::~Engine() = default;

const EventSource* Engine::source(std::string_view name) const {
  for (const auto* s : source_ptrs_)
    if (s->name() == name) return s;
  return nullptr;
}

LoadResult Engine::load_texts(const std::vector<std::pair<std::string, std::string>>& files) const {
  static const std::string kClusterWide;
  std::vector<TextRef> refs;
  refs.reserve(files.size());
  for (const auto& [name, text] : files) refs.push_back(TextRef{name, text, kClusterWide});
  return load_refs(refs, source_ptrs_);
}

LoadResult Engine::load_texts(const std::vector<RuleText>& texts) const {
  std::vector<TextRef> refs;
  refs.reserve(texts.size());
  for (const auto& t : texts) refs.push_back(TextRef{t.name, t.text, t.tenant});
  return load_refs(refs, source_ptrs_);
}

LoadResult Engine::load_files(const std::vector<std::string>& paths) const {
  std::vector<std::pair<std::string, std::string>> files;
  LoadResult unreadable;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || std::filesystem::is_directory(p)) {
      FileReport fr;
      fr.path = p;
      fr.errors.push_back(Diagnostic{"unreadable", "cannot read rules file: " +
                                                       std::string(std::strerror(errno ? errno : ENOENT)),
                                     p, 0, 0, ""});
      unreadable.report.files.push_back(std::move(fr));
      continue;
    }
    files.emplace_back(p, text.str());
  }
  if (!unreadable.report.ok()) return unreadable;
  return load_texts(files);
}

std::string system_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

Result<std::vector<std::string>> expand_rule_paths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        auto ext = entry.path().extension().string();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(entry.path().string());
      }
      if (ec) return make_error(p + ": cannot list directory: " + ec.message());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      return make_error(p + ": no such file or directory");
    }
  }
  return out;
}

}  // namespace peregrine::engine
