#!/usr/bin/env bash
# Installs every Debian package that building and testing Peregrine needs: the union of the
# lists in scripts/packages/*.txt (one package a line, # comments), one list per area so each
# component states its own needs. Idempotent and non-interactive: safe on every CI start.
set -euo pipefail
cd "$(dirname "$0")"

mapfile -t packages < <(cat packages/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# kubectl for the kubectl end-to-end tests: the machine image ships it; elsewhere Debian's.
bash ./setup_kubectl.sh
