#pragma once
// Reads Falco rule files (YAML: a list of items) into a RuleDocument, applying each item in
// order with Falco's semantics: definitions replace earlier ones of the same name, `append:
// true` and `override:` extend or replace them per key, and `enabled`-only items toggle rules.
// Every mistake becomes a Diagnostic in the file's report; nothing throws. A file with a YAML
// syntax error contributes nothing.

#include <string>

#include "engine/rules/diagnostic.h"
#include "engine/rules/rule_document.h"

namespace peregrine::engine {

// The Falco rules-engine version Peregrine implements; `required_engine_version` is checked
// against it and `peregrine version` prints it.
inline constexpr int kEngineVersionMajor = 0;
inline constexpr int kEngineVersionMinor = 57;
inline constexpr int kEngineVersionPatch = 0;
std::string engine_version_string();

// Reads one file's text (`path` names it in diagnostics) into `doc`, adding a FileReport to
// `report`. Files must be read in load order. A non-empty `tenant` reads the file into that
// tenant's scope, with the restrictions of engine/rules/rule_text.h.
void read_rules_file(RuleDocument& doc, LoadReport& report, const std::string& path,
                     std::string content, const std::string& tenant = "");

}  // namespace peregrine::engine
