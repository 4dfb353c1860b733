#!/usr/bin/env bash
# Runs the README's first command, scripts/demo.sh, on a private namespace prefix so it never
# touches a developer's own testbed, then tears that testbed down. Exit 77 (skip) without root.
set -uo pipefail
if [[ $EUID -ne 0 ]]; then
  echo "SKIP: the demo needs root (namespaces, XDP)"
  exit 77
fi
build_dir=$1
cd "$(dirname "$0")/../.."
export XP_PREFIX=xe-demo XPMIP_BUILD_DIR=$build_dir
scripts/demo.sh
status=$?
scripts/testbed.sh down >/dev/null
exit $status
