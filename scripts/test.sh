#!/usr/bin/env bash
# Builds xpmip and runs the whole test suite: unit, codec/tshark, BPF test-run, namespace tests
# and a short fuzz run. Needs root for the BPF and namespace tests; without root they skip and
# say why. Usage: scripts/test.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $EUID -eq 0 ]]; then
  scripts/setup.sh
else
  echo "test.sh: not root, skipping setup.sh (dependencies must already be installed)"
fi

build_dir=${XPMIP_BUILD_DIR:-build}
werror=${XPMIP_WERROR:-0}
jobs=$(nproc)

# clang builds everything: the BPF objects and the libFuzzer targets need it anyway, so one
# compiler keeps warnings identical between the daemon, the tests and the fuzzers.
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=${XPMIP_BUILD_TYPE:-RelWithDebInfo} \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DXPMIP_WERROR="$werror"
cmake --build "$build_dir" -j "$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" "$@"
