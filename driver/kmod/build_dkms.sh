#!/usr/bin/env bash
# Builds the Peregrine kernel module with DKMS out of this source tree, the way a node
# installs it, then removes it from DKMS again (nothing is installed or loaded):
#   cp -rL driver/kmod /usr/src/peregrine-VERSION; dkms add; dkms build -k KVER; dkms remove
# KVER: $KERNEL_VERSION, else the newest kernel under /lib/modules with a build tree (Debian's
# linux-headers-amd64 provides one; it need not be the running kernel). Fails on any compiler
# warning in DKMS's make.log. Copies peregrine.ko and make.log to OUT_DIR (default
# build/kmod). Needs root (dkms writes /usr/src and /var/lib/dkms).
#   usage: build_dkms.sh [OUT_DIR]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/build/kmod}"
name=peregrine

version="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$here/dkms.conf")"
project_version="$(sed -n 's/^project(peregrine VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"
if [ -z "$version" ] || [ "$version" != "$project_version" ]; then
  echo "build_dkms: dkms.conf PACKAGE_VERSION '$version' differs from the project version '$project_version'" >&2
  exit 1
fi

kver="${KERNEL_VERSION:-}"
if [ -z "$kver" ]; then
  kver="$(for d in /lib/modules/*/build; do [ -f "$d/Makefile" ] && basename "$(dirname "$d")"; done \
    | sort -V | tail -n 1 || true)"
fi
if [ -z "$kver" ] || [ ! -f "/lib/modules/$kver/build/Makefile" ]; then
  echo "build_dkms: no kernel headers found under /lib/modules/*/build (apt-get install linux-headers-amd64)" >&2
  exit 1
fi
command -v dkms >/dev/null || { echo "build_dkms: dkms is not installed (apt-get install dkms)" >&2; exit 1; }

src="/usr/src/$name-$version"
cleanup() {
  dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1 || true
  rm -rf "$src"
}
trap cleanup EXIT
cleanup # a previous run that was killed may have left its copy

echo "build_dkms: $name $version for kernel $kver (running: $(uname -r))"
mkdir -p "$src"
cp -rL "$here/." "$src/"
rm -f "$src"/*.o "$src"/*.ko "$src"/*.mod* "$src"/Module.symvers "$src"/modules.order
dkms add -m "$name" -v "$version"
status=0
dkms build -m "$name" -v "$version" -k "$kver" || status=$?

# DKMS keeps the log beside the built module (build/ holds it only while building).
log="/var/lib/dkms/$name/$version/$kver/$(uname -m)/log/make.log"
[ -f "$log" ] || log="/var/lib/dkms/$name/$version/build/make.log"
mkdir -p "$out"
rm -f "$out/$name.ko" "$out/make.log"
if [ -f "$log" ]; then cp "$log" "$out/make.log"; fi
if [ "$status" -ne 0 ]; then
  echo "build_dkms: dkms build failed ($status); make.log:" >&2
  [ -f "$log" ] && cat "$log" >&2
  exit 1
fi
if [ ! -f "$out/make.log" ]; then
  echo "build_dkms: DKMS left no make.log to check for warnings" >&2
  exit 1
fi
if grep -qiE '(^|[^a-z_])warning:' "$out/make.log"; then
  echo "build_dkms: the build printed warnings:" >&2
  grep -iE '(^|[^a-z_])warning:' "$out/make.log" >&2
  exit 1
fi
ko="$(find "/var/lib/dkms/$name/$version/$kver" -name "$name.ko*" | head -n 1)"
if [ -z "$ko" ]; then
  echo "build_dkms: dkms reported success but no $name.ko was built" >&2
  exit 1
fi
cp "$ko" "$out/$name.ko"
echo "build_dkms: built $out/$name.ko"
modinfo -F vermagic "$out/$name.ko"
