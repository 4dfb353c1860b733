#!/usr/bin/env bash
# Runs every benchmark that exists, renders the plots and rewrites the generated part of
# docs/benchmarks.md. Root (BPF). Full run: a few minutes on 2 cores; issue 6 allows 15.
#   XPMIP_BUILD_DIR  build tree to (re)build the benchmarks in (default: build)
#   --smoke          tiny sizes, for trying the pipeline: results, plots and a rendered copy of
#                    the document go to a scratch directory; bench/results and docs stay as they are
set -euo pipefail
cd "$(dirname "$0")/.."
smoke_arg=()
results_dir=bench/results
doc=docs/benchmarks.md
if [[ ${1:-} == --smoke ]]; then
  smoke_arg=(--smoke)
  results_dir=$(mktemp -d /tmp/xpmip-bench-smoke.XXXXXX)
  cp docs/benchmarks.md "$results_dir/benchmarks.md"
  doc=$results_dir/benchmarks.md
fi
export XPMIP_BENCH_RESULTS=$results_dir

if [[ $EUID -ne 0 ]]; then
  echo "run-all.sh: must run as root (BPF_PROG_RUN, namespaces, apt-get for gnuplot)" >&2
  exit 1
fi
build_dir=${XPMIP_BUILD_DIR:-build}
export XPMIP_BUILD_DIR=$build_dir

# Optimised build: the numbers mean nothing at -O0. Two jobs at most on this shared machine.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build_dir" -j2 --target xpmip_bench_bpf_paths xpmip_bench_lma_signalling

# Issue 6, in order. Benchmarks that need the daemon or the testbed slot in here as their scripts
# appear; a missing script is reported, not fatal.
benchmarks=(bpf-paths forwarding lma-signalling loadgen-signalling daemon-memory handover)
started=$(date +%s)
for name in "${benchmarks[@]}"; do
  if [[ ! -x bench/$name.sh ]]; then
    echo "== $name: skipped (bench/$name.sh not written yet)"
    continue
  fi
  echo "== $name (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  bench/"$name".sh "${smoke_arg[@]}" | tail -n 1
done
echo "== benchmarks took $(($(date +%s) - started)) s"
if [[ -z ${smoke_arg[*]} ]]; then
  echo "== profiles (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  bench/profile.sh
fi

if ! command -v gnuplot >/dev/null; then
  echo "== installing gnuplot-nox (plots only; not needed by the tests)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox \
    >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null; }
fi
python3 bench/report.py --results "$results_dir" --doc "$doc" \
  --command "bench/run-all.sh${smoke_arg[*]:+ ${smoke_arg[*]}}"
