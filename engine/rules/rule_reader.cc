#include "engine/rules/rule_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <cctype>
#include <functional>

#include "common/strings.h"
#include "engine/rules/rule_text.h"
#include "engine/rules/tenant_scope.h"

namespace peregrine::engine {
namespace {

const std::vector<std::string> kRuleKeys = {
    "rule", "desc", "condition", "output", "priority", "tags", "enabled", "source", "exceptions",
    "warn_evttypes", "skip-if-unknown-filter", "append", "override", "capture",
    "capture_duration", "capture_events", "capture_filesize"};
const std::vector<std::string> kMacroKeys = {"macro", "condition", "append", "override"};
const std::vector<std::string> kListKeys = {"list", "items", "append", "override"};
const std::vector<std::string> kExceptionKeys = {"name", "fields", "comps", "values"};
const std::set<std::string> kRuleAppendable = {"condition", "output", "desc", "tags", "exceptions"};
const std::set<std::string> kRuleReplaceable = {"condition", "output", "desc", "priority", "tags",
                                                "exceptions", "enabled", "warn_evttypes",
                                                "skip-if-unknown-filter", "capture",
                                                "capture_duration", "capture_events",
                                                "capture_filesize"};

// A mistake in the item being read: reported, then the item is skipped.
struct ItemError {
  std::string code;
  std::string message;
  YAML::Mark mark;
};

// yaml-cpp 0.7 (Debian 12) loops forever, allocating, when a document-level node other than a
// sequence (a quoted scalar, an anchor, a tag) is followed by a flow entry (`'a', b`,
// `&p, a`); fuzzing found several shapes. A rules file is a list, so every content line must be
// a top-level `- ` entry, a flow list, or indented inside one: check that (0-based line of the
// first one that is not) and refuse the file before yaml-cpp sees it.
std::optional<int> line_outside_top_level_list(std::string_view content) {
  bool in_list = false;
  int line = 0;
  for (size_t start = 0; start <= content.size(); ++line) {
    size_t end = content.find('\n', start);
    std::string_view l = content.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    size_t first = l.find_first_not_of(" \t");
    bool blank = first == std::string_view::npos || l[first] == '#';
    if (!blank) {
      if (l.starts_with("---") || l.starts_with("...")) {
        in_list = false;
        std::string_view rest = l.substr(3);
        size_t r = rest.find_first_not_of(" \t");
        if (r != std::string_view::npos && rest[r] != '#') {
          rest.remove_prefix(r);
          if (!(rest == "-" || rest.starts_with("- ") || rest.starts_with("[") || rest.starts_with("-\t"))) return line;
          in_list = true;
        }
      } else if (first == 0) {
        if (!(l == "-" || l.starts_with("- ") || l.starts_with("-\t") || l.starts_with("[") || l.starts_with("%"))) return line;
        in_list = !l.starts_with("%");
      } else if (!in_list) {
        return line;
      }
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

class FileReader {
 public:
  // Items go into `scope`: the document itself for cluster-wide texts, else `tenant`'s.
  FileReader(RuleDocument& doc, RuleScope& scope, const std::string& tenant, FileReport& report,
             int file_index, size_t& order)
      : doc_(doc), scope_(scope), tenant_(tenant), report_(report), file_(file_index), order_(order) {}

  void read(const std::string& content) {
    if (auto bad = line_outside_top_level_list(content)) {
      YAML::Mark mark;
      mark.line = *bad;
      mark.column = 0;
      add(report_.errors, "not-a-list",
          "a rules file must be a YAML list of items (- rule: ..., - macro: ..., - list: ...)",
          mark, "");
      return;
    }
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(content);
    } catch (const YAML::Exception& e) {
      add(report_.errors, "yaml-syntax", e.msg, e.mark, "");
      return;
    }
    for (const auto& d : docs) {
      if (!d.IsDefined() || d.IsNull()) continue;
      if (!d.IsSequence()) {
        add(report_.errors, "not-a-list",
            "a rules file must be a YAML list of items (- rule: ..., - macro: ..., - list: ...)",
            d.Mark(), "");
        return;
      }
      for (const auto& item : d) {
        if (item.IsNull()) continue;
        try {
          read_item(item);
        } catch (const ItemError& e) {
          add(report_.errors, e.code, e.message, e.mark, item_label_);
        } catch (const YAML::Exception& e) {
          add(report_.errors, "yaml-value", e.msg, e.mark.line >= 0 ? e.mark : item.Mark(), item_label_);
        }
      }
    }
  }

 private:
  RuleDocument& doc_;
  RuleScope& scope_;
  const std::string& tenant_;
  FileReport& report_;
  int file_;
  size_t& order_;
  std::string item_label_;

  void add(std::vector<Diagnostic>& to, std::string code, std::string message,
           const YAML::Mark& mark, const std::string& item) {
    Diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.file = report_.path;
    if (mark.line >= 0) {
      d.line = mark.line + 1;
      d.column = mark.column + 1;
    }
    d.item = item;
    to.push_back(std::move(d));
  }
  void warn(std::string code, std::string message, const YAML::Mark& mark) {
    add(report_.warnings, std::move(code), std::move(message), mark, item_label_);
  }
  [[noreturn]] static void fail(std::string code, std::string message, const YAML::Mark& mark) {
    throw ItemError{std::move(code), std::move(message), mark};
  }

  // A tenant text may touch only its own tenant's items (engine/rules/rule_text.h).
  void check_tenant(ItemKind kind, const std::string& name, ItemAction action, const YAML::Mark& mark) {
    if (tenant_.empty()) return;
    if (auto refused = tenant_conflict(doc_, tenant_, kind, name, action)) fail("tenant-scope", *refused, mark);
  }
  static ItemAction action_of(const YAML::Node& item, bool append) {
    if (item["override"].IsDefined()) return ItemAction::kOverride;
    return append ? ItemAction::kAppend : ItemAction::kDefine;
  }

  static YAML::Mark mark_of(const Origin& o) {
    YAML::Mark mark;
    mark.line = o.line - 1;
    mark.column = o.column - 1;
    return mark;
  }

  Origin origin_of(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    return Origin{file_, m.pos >= 0 ? static_cast<size_t>(m.pos) : 0, m.line + 1, m.column + 1};
  }

  // yaml-cpp throws on most queries of a missing key's node (IsScalar, Mark, ...); ask
  // IsDefined() first, always.
  static bool has_scalar(const YAML::Node& map, const std::string& key) {
    const YAML::Node n = map[key];
    return n.IsDefined() && n.IsScalar();
  }

  static std::string scalar(const YAML::Node& item, const std::string& key) {
    const YAML::Node n = item[key];
    if (!n.IsDefined() || !n.IsScalar()) fail("bad-value", "'" + key + "' must be a string", n.IsDefined() ? n.Mark() : item.Mark());
    return n.Scalar();
  }
  static bool boolean(const YAML::Node& item, const std::string& key) {
    const YAML::Node n = item[key];
    bool v = false;
    if (!n.IsDefined() || !n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      fail("bad-value", "'" + key + "' must be true or false", n.IsDefined() ? n.Mark() : item.Mark());
    }
    return v;
  }
  static std::vector<std::string> string_list(const YAML::Node& item, const std::string& key) {
    const YAML::Node n = item[key];
    std::vector<std::string> out;
    if (!n.IsDefined() || n.IsNull()) return out;
    if (!n.IsSequence()) fail("bad-value", "'" + key + "' must be a list", n.Mark());
    for (const auto& e : n) {
      if (!e.IsScalar()) fail("bad-value", "items of '" + key + "' must be strings", e.Mark());
      out.push_back(e.Scalar());
    }
    return out;
  }

  void check_keys(const YAML::Node& item, const std::vector<std::string>& allowed,
                  const std::string& kind) {
    std::vector<std::string> known = kRuleKeys;
    known.insert(known.end(), {"macro", "list", "items", "required_engine_version",
                               "required_plugin_versions"});
    for (const auto& kv : item) {
      std::string key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      if (std::find(known.begin(), known.end(), key) != known.end()) {
        fail("unknown-key", "key '" + key + "' does not belong in a " + kind, kv.first.Mark());
      }
      std::string msg = "unknown key '" + key + "' in " + kind;
      if (auto s = closest_match(key, allowed)) msg += ", did you mean '" + *s + "'?";
      fail("unknown-key", msg, kv.first.Mark());
    }
  }

  // `override:` map -> (appended keys, replaced keys), validated against what the kind allows.
  void read_overrides(const YAML::Node& item, const std::set<std::string>& appendable,
                      const std::set<std::string>& replaceable, std::set<std::string>& append,
                      std::set<std::string>& replace) {
    const YAML::Node ov = item["override"];
    if (!ov.IsDefined()) return;
    if (!ov.IsMap() || ov.size() == 0) {
      fail("bad-override", "'override' must map keys to 'append' or 'replace'", ov.Mark());
    }
    for (const auto& kv : ov) {
      std::string key = kv.first.Scalar();
      std::string how = kv.second.IsScalar() ? kv.second.Scalar() : "";
      if (!appendable.contains(key) && !replaceable.contains(key)) {
        std::vector<std::string> all(replaceable.begin(), replaceable.end());
        all.insert(all.end(), appendable.begin(), appendable.end());
        std::string msg = "key '" + key + "' cannot be overridden";
        if (auto s = closest_match(key, all)) msg += ", did you mean '" + *s + "'?";
        fail("bad-override", msg, kv.first.Mark());
      }
      if (how == "append") {
        if (!appendable.contains(key)) {
          fail("bad-override", "key '" + key + "' cannot be appended to, use 'replace' instead", kv.second.Mark());
        }
        append.insert(key);
      } else if (how == "replace") {
        if (!replaceable.contains(key)) {
          fail("bad-override", "key '" + key + "' cannot be replaced, use 'append' instead", kv.second.Mark());
        }
        replace.insert(key);
      } else {
        fail("bad-override", "override of '" + key + "' must be 'append' or 'replace'", kv.second.Mark());
      }
      if (!item[key].IsDefined()) {
        fail("bad-override", "'override' names '" + key + "' but the item has no '" + key + "' key", kv.first.Mark());
      }
    }
  }

  void read_item(const YAML::Node& item) {
    item_label_.clear();
    if (!item.IsMap()) fail("bad-item", "each item must be a map (- rule: ..., - macro: ..., - list: ...)", item.Mark());
    if (item["required_engine_version"].IsDefined()) return read_engine_version(item);
    if (item["required_plugin_versions"].IsDefined()) return read_plugin_versions(item);
    if (item["list"].IsDefined()) return read_list(item);
    if (item["macro"].IsDefined()) return read_macro(item);
    if (item["rule"].IsDefined()) return read_rule(item);
    std::vector<std::string> kinds = {"rule", "macro", "list", "required_engine_version",
                                      "required_plugin_versions"};
    std::string msg = "unknown item: expected one of rule, macro, list, required_engine_version, required_plugin_versions";
    for (const auto& kv : item) {
      if (auto s = closest_match(kv.first.Scalar(), kinds)) {
        msg = "unknown key '" + kv.first.Scalar() + "', did you mean '" + *s + "'?";
        fail("unknown-key", msg, kv.first.Mark());
      }
    }
    // Falco skips top-level items it does not know with a warning, so that files written for
    // newer versions still load; a likely typo of a known item is an error above.
    warn("unknown-item", msg + "; item skipped", item.Mark());
  }

  void read_engine_version(const YAML::Node& item) {
    item_label_ = "required_engine_version";
    check_keys(item, {"required_engine_version"}, "required_engine_version item");
    const YAML::Node n = item["required_engine_version"];
    if (!n.IsScalar()) fail("bad-value", "required_engine_version must be a version like 0.57.0", n.Mark());
    std::string text = n.Scalar();
    int major = 0, minor = 0, patch = 0;
    if (auto single = parse_int64(text)) {
      // The old integer form N means 0.N.0.
      minor = static_cast<int>(*single);
    } else {
      std::vector<int> parts;
      size_t start = 0;
      while (start <= text.size()) {
        size_t dot = text.find('.', start);
        auto part = parse_int64(text.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (!part || *part < 0) {
          fail("bad-value", "required_engine_version '" + text + "' is not a version like 0.57.0", n.Mark());
        }
        parts.push_back(static_cast<int>(*part));
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      if (parts.size() != 3) fail("bad-value", "required_engine_version '" + text + "' is not a version like 0.57.0", n.Mark());
      major = parts[0], minor = parts[1], patch = parts[2];
    }
    auto ours = std::make_tuple(kEngineVersionMajor, kEngineVersionMinor, kEngineVersionPatch);
    if (major != kEngineVersionMajor || std::make_tuple(major, minor, patch) > ours) {
      fail("engine-version", "rules require engine version " + text + ", but this engine is " +
                                 engine_version_string(), n.Mark());
    }
    doc_.required_engine_version = text;
  }

  void read_plugin_versions(const YAML::Node& item) {
    item_label_ = "required_plugin_versions";
    check_keys(item, {"required_plugin_versions"}, "required_plugin_versions item");
    const YAML::Node list = item["required_plugin_versions"];
    if (!list.IsSequence()) fail("bad-value", "required_plugin_versions must be a list of {name, version}", list.Mark());
    for (const auto& req : list) {
      if (!req.IsMap() || !has_scalar(req, "name") || !has_scalar(req, "version")) {
        fail("bad-value", "each required plugin needs a name and a version", req.Mark());
      }
      check_keys(req, {"name", "version", "alternatives"}, "required plugin");
      std::string name = req["name"].Scalar();
      if (name == "container" || name == "k8saudit" || name == "k8smeta") {
        warn("plugin-builtin", "plugin '" + name + "' " + req["version"].Scalar() +
                                   " is not loaded: Peregrine provides its fields built in", req.Mark());
      } else {
        warn("plugin-not-loaded", "plugin '" + name + "' is not loaded: Peregrine does not load plugins; rules using its fields will fail to compile", req.Mark());
      }
    }
  }

  static std::string item_text(const YAML::Node& e) {
    if (!e.IsScalar()) fail("bad-value", "list items must be strings or numbers", e.Mark());
    return e.Scalar();
  }

  void read_list(const YAML::Node& item) {
    std::string name = scalar(item, "list");
    item_label_ = "list '" + name + "'";
    ++report_.lists;
    check_keys(item, kListKeys, "list");
    // As Falco: a list name is a bare word, or conditions could not name it.
    if (name.empty() || name.find_first_of(" \t\r\n\f\v(),=\"'") != std::string::npos) {
      fail("bad-name", "list name '" + name + "' is not valid: it may not be empty or hold blanks, "
           "parentheses, commas, '=' or quotes", item["list"].Mark());
    }
    const YAML::Node items = item["items"];
    if (!items.IsDefined()) fail("missing-key", "list has no 'items'", item.Mark());
    if (!items.IsSequence() && !items.IsNull()) fail("bad-value", "'items' must be a list", items.Mark());
    ListInfo info;
    info.name = name;
    info.origin = origin_of(item);
    info.order = order_++;
    if (items.IsSequence())
      for (const auto& e : items) info.items.push_back(item_text(e));
    bool append = item["append"].IsDefined() && boolean(item, "append");
    std::set<std::string> ov_append, ov_replace;
    read_overrides(item, {"items"}, {"items"}, ov_append, ov_replace);
    if (append && item["override"].IsDefined()) fail("bad-override", "'append' and 'override' cannot be used together", item["append"].Mark());
    if (append) warn("deprecated-append", "'append: true' is deprecated; use 'override: {items: append}'", item["append"].Mark());
    check_tenant(ItemKind::kList, name, action_of(item, append), item["list"].Mark());
    auto prev = scope_.lists.find(name);
    if (append || ov_append.contains("items")) {
      if (prev == scope_.lists.end()) fail("no-previous", "list '" + name + "' has no earlier definition to append to", item.Mark());
      prev->second.items.insert(prev->second.items.end(), info.items.begin(), info.items.end());
      return;
    }
    if (prev != scope_.lists.end()) info.order = prev->second.order;
    scope_.lists[name] = std::move(info);
  }

  void read_macro(const YAML::Node& item) {
    std::string name = scalar(item, "macro");
    item_label_ = "macro '" + name + "'";
    ++report_.macros;
    check_keys(item, kMacroKeys, "macro");
    // As Falco: a macro name is an identifier, or conditions could not name it.
    bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) identifier = identifier && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!identifier) {
      fail("bad-name", "macro name '" + name + "' is not valid: use letters, digits and '_', "
           "not starting with a digit", item["macro"].Mark());
    }
    if (!item["condition"].IsDefined()) fail("missing-key", "macro has no 'condition'", item.Mark());
    MacroInfo info;
    info.name = name;
    info.condition.assign(scalar(item, "condition"), origin_of(item["condition"]));
    info.origin = origin_of(item);
    info.order = order_++;
    bool append = item["append"].IsDefined() && boolean(item, "append");
    std::set<std::string> ov_append, ov_replace;
    read_overrides(item, {"condition"}, {"condition"}, ov_append, ov_replace);
    if (append && item["override"].IsDefined()) fail("bad-override", "'append' and 'override' cannot be used together", item["append"].Mark());
    if (append) warn("deprecated-append", "'append: true' is deprecated; use 'override: {condition: append}'", item["append"].Mark());
    check_tenant(ItemKind::kMacro, name, action_of(item, append), item["macro"].Mark());
    auto prev = scope_.macros.find(name);
    if (append || ov_append.contains("condition")) {
      if (prev == scope_.macros.end()) fail("no-previous", "macro '" + name + "' has no earlier definition to append to", item.Mark());
      // Falco appends condition text with a blank.
      prev->second.condition.append(info.condition.text, info.condition.origin());
      return;
    }
    if (prev != scope_.macros.end()) info.order = prev->second.order;
    scope_.macros[name] = std::move(info);
  }

  ExceptionValue exception_value(const YAML::Node& n) {
    ExceptionValue v;
    if (n.IsSequence()) {
      v.is_list = true;
      for (const auto& e : n) v.items.push_back(exception_value(e));
    } else if (n.IsScalar()) {
      v.item = n.Scalar();
    } else if (!n.IsNull()) {
      fail("bad-exception", "exception fields, comps and values must be strings or lists", n.Mark());
    }
    return v;
  }

  std::vector<ExceptionInfo> read_exceptions(const YAML::Node& item) {
    std::vector<ExceptionInfo> out;
    const YAML::Node list = item["exceptions"];
    if (!list.IsDefined() || list.IsNull()) return out;
    if (!list.IsSequence()) fail("bad-exception", "'exceptions' must be a list", list.Mark());
    for (const auto& ex : list) {
      if (!ex.IsMap()) fail("bad-exception", "each exception must be a map with a name", ex.Mark());
      check_keys_exception(ex);
      if (!has_scalar(ex, "name")) fail("bad-exception", "exception has no 'name'", ex.Mark());
      ExceptionInfo info;
      info.name = ex["name"].Scalar();
      info.origin = origin_of(ex);
      for (const auto& seen : out) {
        if (seen.name == info.name) {
          fail("bad-exception", "exception name '" + info.name + "' is used twice in this item", ex["name"].Mark());
        }
      }
      if (ex["fields"].IsDefined()) info.fields = exception_value(ex["fields"]);
      if (ex["comps"].IsDefined()) info.comps = exception_value(ex["comps"]);
      if (ex["values"].IsDefined()) {
        if (!ex["values"].IsSequence() && !ex["values"].IsNull()) {
          fail("bad-exception", "exception 'values' must be a list", ex["values"].Mark());
        }
        for (const auto& v : ex["values"]) info.values.push_back(exception_value(v));
      }
      out.push_back(std::move(info));
    }
    return out;
  }

  void check_keys_exception(const YAML::Node& ex) {
    for (const auto& kv : ex) {
      std::string key = kv.first.Scalar();
      if (std::find(kExceptionKeys.begin(), kExceptionKeys.end(), key) != kExceptionKeys.end()) continue;
      std::string msg = "unknown key '" + key + "' in exception";
      if (auto s = closest_match(key, kExceptionKeys)) msg += ", did you mean '" + *s + "'?";
      fail("unknown-key", msg, kv.first.Mark());
    }
  }

  Priority priority_of(const YAML::Node& item) {
    std::string text = scalar(item, "priority");
    auto p = parse_priority(text);
    if (!p) {
      fail("bad-priority", "invalid priority '" + text + "': use one of Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug",
           item["priority"].Mark());
    }
    return *p;
  }

  RuleInfo* find_rule(const std::string& name) {
    for (auto& r : scope_.rules)
      if (r.name == name) return &r;
    return nullptr;
  }

  void read_rule(const YAML::Node& item) {
    std::string name = scalar(item, "rule");
    item_label_ = "rule '" + name + "'";
    ++report_.rules;
    check_keys(item, kRuleKeys, "rule");
    bool append = item["append"].IsDefined() && boolean(item, "append");
    std::set<std::string> ov_append, ov_replace;
    read_overrides(item, kRuleAppendable, kRuleReplaceable, ov_append, ov_replace);
    bool has_override = !ov_append.empty() || !ov_replace.empty();
    if (append && has_override) fail("bad-override", "'append' and 'override' cannot be used together", item["append"].Mark());
    bool defines = item["condition"].IsDefined() || item["output"].IsDefined() ||
                   item["desc"].IsDefined() || item["priority"].IsDefined();
    check_tenant(ItemKind::kRule, name,
                 has_override ? ItemAction::kOverride
                 : append     ? ItemAction::kAppend
                 : defines    ? ItemAction::kDefine
                              : ItemAction::kToggle,
                 item["rule"].Mark());

    if (has_override) return override_rule(item, name, ov_append, ov_replace);
    if (append) return append_rule(item, name);

    if (!defines) {
      // Only `enabled`: toggles an earlier rule (Falco's older style).
      if (!item["enabled"].IsDefined()) fail("missing-key", "rule has no condition, output, desc or priority", item.Mark());
      RuleInfo* prev = find_rule(name);
      if (!prev) fail("no-previous", "rule '" + name + "' has only 'enabled' but no earlier definition", item.Mark());
      warn("deprecated-enabled", "an item with only 'enabled' is deprecated; use 'override: {enabled: replace}'", item["enabled"].Mark());
      prev->enabled = boolean(item, "enabled");
      return;
    }
    for (const char* key : {"condition", "output", "desc", "priority"}) {
      if (!item[key].IsDefined()) fail("missing-key", std::string("rule has no '") + key + "'", item.Mark());
    }
    RuleInfo r;
    r.name = name;
    r.condition.assign(scalar(item, "condition"), origin_of(item["condition"]));
    r.output.assign(std::string(trim(scalar(item, "output"))), origin_of(item["output"]));
    r.desc = scalar(item, "desc");
    r.priority = priority_of(item);
    r.origin = origin_of(item);
    if (item["source"].IsDefined()) r.source = scalar(item, "source");
    if (!tenant_.empty()) {
      if (auto guard = tenant_guard(tenant_, r.source); !guard) {
        fail("tenant-source", guard.error().message, item["source"].IsDefined() ? item["source"].Mark() : item.Mark());
      }
    }
    if (item["enabled"].IsDefined()) r.enabled = boolean(item, "enabled");
    if (item["warn_evttypes"].IsDefined()) r.warn_evttypes = boolean(item, "warn_evttypes");
    if (item["skip-if-unknown-filter"].IsDefined()) r.skip_if_unknown_filter = boolean(item, "skip-if-unknown-filter");
    for (auto& t : string_list(item, "tags")) r.tags.insert(t);
    r.exceptions = read_exceptions(item);
    check_exception_shapes(r.exceptions);
    r.order = order_++;
    if (RuleInfo* prev = find_rule(name)) {
      if (prev->source != r.source) {
        fail("source-mismatch", "rule '" + name + "' is redefined with source '" + r.source +
                                    "' but was defined for '" + prev->source + "'", item.Mark());
      }
      r.order = prev->order;
      *prev = std::move(r);
      return;
    }
    scope_.rules.push_back(std::move(r));
  }

  // Falco's checks on an exception's shape, before its fields are known to exist.
  void check_exception_shapes(std::vector<ExceptionInfo>& exceptions) {
    for (auto& ex : exceptions) {
      YAML::Mark mark = mark_of(ex.origin);
      if (!ex.fields) fail("bad-exception", "exception '" + ex.name + "' has no 'fields'", mark);
      if (ex.fields->is_list) {
        if (!ex.comps) {
          ex.comps = ExceptionValue{true, "", {}};
          for (size_t i = 0; i < ex.fields->items.size(); ++i) ex.comps->items.push_back(ExceptionValue{false, "=", {}});
        }
        if (!ex.comps->is_list || ex.comps->items.size() != ex.fields->items.size()) {
          fail("bad-exception", "exception '" + ex.name + "': fields and comps lists must have equal length", mark);
        }
        for (const auto& c : ex.comps->items) {
          static const std::set<std::string> ops = {"=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch"};
          if (!ops.contains(c.item)) fail("bad-exception", "exception '" + ex.name + "': '" + c.item + "' is not a supported comparison operator", mark);
        }
      } else {
        if (!ex.comps) ex.comps = ExceptionValue{false, "in", {}};
        if (ex.comps->is_list) fail("bad-exception", "exception '" + ex.name + "': fields and comps must both be strings or both lists", mark);
        if (ex.comps->item != "in" && ex.comps->item != "pmatch" && ex.comps->item != "intersects") {
          fail("bad-exception", "exception '" + ex.name + "': with a single field, comps must be one of in, pmatch, intersects", mark);
        }
      }
    }
  }

  void append_rule(const YAML::Node& item, const std::string& name) {
    warn("deprecated-append", "'append: true' is deprecated; use 'override:' with 'append' per key", item["append"].Mark());
    RuleInfo* prev = find_rule(name);
    if (!prev) fail("no-previous", "rule '" + name + "' has no earlier definition to append to", item.Mark());
    for (const char* key : {"output", "desc", "priority", "tags", "enabled", "source"}) {
      if (item[key].IsDefined()) {
        fail("bad-append", std::string("'append: true' can only extend condition and exceptions; use 'override:' for '") + key + "'", item[key].Mark());
      }
    }
    if (!item["condition"].IsDefined() && !item["exceptions"].IsDefined()) {
      fail("bad-append", "'append: true' needs a condition or exceptions to append", item.Mark());
    }
    // Work on a copy so that a mistake later in the item leaves the rule as it was.
    RuleInfo updated = *prev;
    if (item["condition"].IsDefined()) {
      std::string cond = scalar(item, "condition");
      if (!cond.empty()) updated.condition.append(cond, origin_of(item["condition"]));
    }
    if (item["exceptions"].IsDefined()) append_exceptions(updated, read_exceptions(item));
    *prev = std::move(updated);
  }

  // Values must match the exception's fields: scalars for one field, a tuple per value
  // (one entry per field) for several.
  static void check_value_shapes(const ExceptionInfo& target, const std::vector<ExceptionValue>& values,
                                 const YAML::Mark& mark) {
    if (!target.fields) return;
    for (const auto& v : values) {
      if (!target.fields->is_list && v.is_list) {
        fail("bad-exception", "exception '" + target.name + "': with a single field, values must be a list of strings", mark);
      }
      if (target.fields->is_list && (!v.is_list || v.items.size() != target.fields->items.size())) {
        fail("bad-exception", "exception '" + target.name + "': each value must be a list with one entry per field (" +
                                  std::to_string(target.fields->items.size()) + ")", mark);
      }
    }
  }

  void append_exceptions(RuleInfo& prev, std::vector<ExceptionInfo> extra) {
    for (auto& ex : extra) {
      auto same = std::find_if(prev.exceptions.begin(), prev.exceptions.end(),
                               [&](const ExceptionInfo& e) { return e.name == ex.name; });
      if (same == prev.exceptions.end()) {
        if (ex.values.empty()) fail("bad-exception", "new exception '" + ex.name + "' needs 'values'", mark_of(ex.origin));
        std::vector<ExceptionInfo> one{ex};
        check_exception_shapes(one);
        prev.exceptions.push_back(std::move(one[0]));
        continue;
      }
      if (ex.fields || ex.comps) {
        fail("bad-exception", "exception '" + ex.name + "' exists already: only its values can be appended, not fields or comps", mark_of(ex.origin));
      }
      if (ex.values.empty()) {
        warn("append-no-values", "appending to exception '" + ex.name + "' with no values changes nothing", mark_of(ex.origin));
      }
      // Checked here, where the appended values are, so the error names this file and line.
      check_value_shapes(*same, ex.values, mark_of(ex.origin));
      same->values.insert(same->values.end(), ex.values.begin(), ex.values.end());
    }
  }

  void override_rule(const YAML::Node& item, const std::string& name,
                     const std::set<std::string>& ov_append, const std::set<std::string>& ov_replace) {
    RuleInfo* prev = find_rule(name);
    if (!prev) fail("no-previous", "rule '" + name + "' has no earlier definition to override", item.Mark());
    // Every overridable key present in the item must be named under `override:`.
    for (const auto& kv : item) {
      std::string key = kv.first.Scalar();
      if (key == "rule" || key == "override") continue;
      if (!ov_append.contains(key) && !ov_replace.contains(key)) {
        fail("bad-override", "key '" + key + "' has no entry under 'override' saying whether to append or replace it", kv.first.Mark());
      }
    }
    // Work on a copy so that a mistake later in the item leaves the rule as it was.
    RuleInfo updated = *prev;
    for (const auto& key : ov_append) {
      if (key == "condition" || key == "output") {
        std::string text = scalar(item, key);
        SourcedText& to = key == "condition" ? updated.condition : updated.output;
        if (!text.empty()) to.append(text, origin_of(item[key]));
      } else if (key == "desc") {
        std::string d = scalar(item, key);
        if (!d.empty()) updated.desc += " " + d;
      } else if (key == "tags") {
        for (auto& t : string_list(item, key)) updated.tags.insert(t);
      } else if (key == "exceptions") {
        append_exceptions(updated, read_exceptions(item));
      }
    }
    for (const auto& key : ov_replace) {
      if (key == "condition") {
        updated.condition.assign(scalar(item, key), origin_of(item[key]));
      } else if (key == "output") {
        updated.output.assign(std::string(trim(scalar(item, key))), origin_of(item[key]));
      } else if (key == "desc") {
        updated.desc = scalar(item, key);
      } else if (key == "tags") {
        updated.tags.clear();
        for (auto& t : string_list(item, key)) updated.tags.insert(t);
      } else if (key == "exceptions") {
        auto ex = read_exceptions(item);
        check_exception_shapes(ex);
        updated.exceptions = std::move(ex);
      } else if (key == "priority") {
        updated.priority = priority_of(item);
      } else if (key == "enabled") {
        updated.enabled = boolean(item, key);
      } else if (key == "warn_evttypes") {
        updated.warn_evttypes = boolean(item, key);
      } else if (key == "skip-if-unknown-filter") {
        updated.skip_if_unknown_filter = boolean(item, key);
      }
    }
    *prev = std::move(updated);
  }
};

}  // namespace

std::string engine_version_string() {
  return std::to_string(kEngineVersionMajor) + "." + std::to_string(kEngineVersionMinor) + "." +
         std::to_string(kEngineVersionPatch);
}

void read_rules_file(RuleDocument& doc, LoadReport& report, const std::string& path,
                     std::string content, const std::string& tenant) {
  report.files.push_back(FileReport{path, 0, 0, 0, {}, {}});
  int index = static_cast<int>(doc.files.size());
  doc.files.push_back(path);
  doc.contents.push_back(content);
  if (!tenant.empty()) {
    if (auto valid = check_tenant_name(tenant); !valid) {
      report.files.back().errors.push_back(Diagnostic{"tenant-name", valid.error().message, path, 0, 0, ""});
      return;
    }
  }
  RuleScope& scope = tenant.empty() ? doc : doc.tenants[tenant];
  FileReader reader(doc, scope, tenant, report.files.back(), index, doc.next_order);
  reader.read(doc.contents.back());
}

}  // namespace peregrine::engine
