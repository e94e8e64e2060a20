#pragma once
// Test-only: the table of rule scenarios. Each case builds one event on a fresh Scene and says
// which rule it is about and whether that rule must fire. A firing case must raise exactly that
// one rule; a near miss must raise no rule at all, so benign look-alikes stay silent across
// the whole ruleset.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "rules/test/scene.h"

namespace peregrine::rules_test {

using Build = std::function<const SyscallEvent&(Scene&)>;
using Fields = std::vector<std::pair<std::string, std::string>>;

struct Case {
  std::string name;  // unique; becomes the test name
  std::string rule;  // the rule the case is about; empty for general benign activity
  bool fires = false;
  Build build;
  Fields fields;     // expected output_fields values when it fires
};

inline Case fires(std::string rule, std::string name, Build build, Fields fields = {}) {
  return Case{std::move(name), std::move(rule), true, std::move(build), std::move(fields)};
}
inline Case silent(std::string rule, std::string name, Build build) {
  return Case{std::move(name), std::move(rule), false, std::move(build), {}};
}

std::vector<Case> filesystem_cases();
std::vector<Case> process_cases();
std::vector<Case> network_cases();
std::vector<Case> kernel_cases();
std::vector<Case> benign_cases();

}  // namespace peregrine::rules_test
