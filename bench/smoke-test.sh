#!/usr/bin/env bash
# ctest entry (label bench-smoke): runs one benchmark at tiny size into a scratch directory and
# checks the JSON it wrote (bench/check_result.py). Exit 77 = skipped, with the reason.
# Usage: smoke-test.sh <bench name, e.g. bpf-paths> (XPMIP_BUILD_DIR names the build tree)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: smoke-test.sh <benchmark>}

if [[ $name == bpf-paths ]]; then
  if [[ $EUID -ne 0 ]]; then echo "SKIP: $name needs root (BPF_PROG_RUN, netns)"; exit 77; fi
  if ! mountpoint -q /sys/fs/bpf; then echo "SKIP: bpffs not mounted at /sys/fs/bpf"; exit 77; fi
fi

scratch=$(mktemp -d /tmp/xpmip-bench-smoke.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
XPMIP_BENCH_RESULTS=$scratch "$here/$name.sh" --smoke
results=("$scratch"/*.json)
if [[ ${#results[@]} -ne 1 || ! -f ${results[0]} ]]; then
  echo "FAIL: $name wrote ${#results[@]} result files, expected one" >&2
  exit 1
fi
"$here/check_result.py" "${results[0]}"
