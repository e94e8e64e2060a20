#include "operator/rule_validator.h"

#include "operator/codec.h"

namespace peregrine::op {

namespace {

constexpr size_t kCacheLimit = 4096;

std::vector<engine::Diagnostic> all_errors(const engine::LoadReport& report) {
  std::vector<engine::Diagnostic> out;
  for (const auto& f : report.files)
    for (auto d : f.errors) {
      if (d.file.empty()) d.file = f.path;
      out.push_back(std::move(d));
    }
  return out;
}

}  // namespace

bool is_reference_error(const engine::Diagnostic& d) {
  if (d.code == "no-previous") return true;
  return (d.code == "condition-compile" || d.code == "exception-compile") &&
         d.message.rfind("undefined macro", 0) == 0;
}

std::vector<engine::Diagnostic> RuleValidator::compile_errors(const std::vector<const RuleSource*>& sources) {
  std::string key;
  for (const RuleSource* s : sources) key += s->key + '\0' + s->tenant + '\0' + sha256_hex(s->text) + '\n';
  key = sha256_hex(key);
  if (auto it = set_cache_.find(key); it != set_cache_.end()) return it->second;
  std::vector<engine::RuleText> files;
  files.reserve(sources.size());
  for (const RuleSource* s : sources) files.emplace_back(s->key, s->text, s->tenant);
  ++compiles_;
  auto errors = all_errors(engine_.load_texts(files).report);
  if (set_cache_.size() >= kCacheLimit) set_cache_.clear();
  set_cache_.emplace(key, errors);
  return errors;
}

AloneVerdict RuleValidator::check_alone(const RuleSource& source) {
  std::string key = sha256_hex(source.tenant + '\0' + source.key + '\0' + source.text);
  if (auto it = alone_cache_.find(key); it != alone_cache_.end()) return it->second;
  std::vector<engine::RuleText> files{engine::RuleText(source.key, source.text, source.tenant)};
  ++compiles_;
  auto result = engine_.load_texts(files);
  AloneVerdict verdict;
  for (const auto& f : result.report.files) {
    for (auto d : f.errors) {
      if (d.file.empty()) d.file = f.path;
      if (!is_reference_error(d)) verdict.errors.push_back(std::move(d));
    }
    for (auto d : f.warnings) {
      if (d.file.empty()) d.file = f.path;
      verdict.warnings.push_back(std::move(d));
    }
  }
  if (alone_cache_.size() >= kCacheLimit) alone_cache_.clear();
  alone_cache_.emplace(key, verdict);
  return verdict;
}

SetVerdict RuleValidator::check_set(const std::vector<SetCandidate>& candidates) {
  const int compiles_before = compiles_;
  SetVerdict verdict;
  verdict.chosen.resize(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const SetCandidate& c = candidates[i];
    verdict.chosen[i] = c.current_ok_alone ? Chosen::kCurrent : c.fallback ? Chosen::kFallback : Chosen::kNone;
  }
  auto text_of = [&](size_t i) -> const RuleSource* {
    switch (verdict.chosen[i]) {
      case Chosen::kCurrent: return &candidates[i].current;
      case Chosen::kFallback: return &*candidates[i].fallback;
      case Chosen::kNone: return nullptr;
    }
    return nullptr;
  };
  for (;;) {
    std::vector<size_t> in;
    std::vector<const RuleSource*> sources;
    for (size_t i = 0; i < candidates.size(); ++i)
      if (const RuleSource* s = text_of(i)) {
        in.push_back(i);
        sources.push_back(s);
      }
    if (compile_errors(sources).empty()) break;
    // The shortest failing prefix: its last text is the one whose addition broke the set.
    size_t lo = 1, hi = sources.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      std::vector<const RuleSource*> prefix(sources.begin(), sources.begin() + mid);
      if (compile_errors(prefix).empty()) lo = mid + 1; else hi = mid;
    }
    size_t culprit = in[lo - 1];
    std::vector<const RuleSource*> prefix(sources.begin(), sources.begin() + lo);
    if (verdict.chosen[culprit] == Chosen::kCurrent) {
      verdict.set_errors[culprit] = compile_errors(prefix);
      verdict.chosen[culprit] = candidates[culprit].fallback ? Chosen::kFallback : Chosen::kNone;
    } else {
      verdict.chosen[culprit] = Chosen::kNone;
    }
  }
  verdict.compiles = compiles_ - compiles_before;
  return verdict;
}

}  // namespace peregrine::op
