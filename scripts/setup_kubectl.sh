#!/usr/bin/env bash
# Makes sure a kubectl is on PATH for the kubectl end-to-end tests (test/e2e/test_kubectl_*.py).
# The machine image's `kubectl` package already provides 1.32 plus versioned binaries under
# /usr/lib/google-cloud-sdk/bin; elsewhere fall back to Debian's kubernetes-client.
set -euo pipefail
if command -v kubectl >/dev/null 2>&1; then
  echo "setup_kubectl: $(command -v kubectl) present"
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends kubernetes-client
