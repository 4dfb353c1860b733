#!/usr/bin/env bash
# Where the time goes: perf profiles (cpu-clock, kernel and user symbols) of the BPF path
# benchmark and the in-process signalling benchmark at medium size, the top symbols written to
# profile_bpf_paths.txt and profile_lma_signalling.txt next to the results. Root; needs perf.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ! command -v perf >/dev/null; then
  echo "profile.sh: perf not installed (Debian: linux-perf); skipped" >&2
  exit 0
fi
scratch=$(mktemp -d /tmp/xpmip-bench-profile.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# profile <name> <command...>: records the command, keeps the 40 hottest symbols.
profile() {
  local name=$1
  shift
  perf record -q -e cpu-clock -o "$scratch/$name.perf" -- "$@" >/dev/null
  {
    echo "# perf record -e cpu-clock -- $*"
    echo "# $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # awk reads to the end: `head` would close the pipe early and pipefail would stop the script.
    perf report -i "$scratch/$name.perf" --no-children --sort dso,sym --stdio 2>/dev/null |
      awk '!/^#/ && /%/ && n++ < 40'
  } >"$results_dir/profile_$name.txt"
  echo "profile.sh: $results_dir/profile_$name.txt"
}

profile bpf_paths "$(bench_program xpmip_bench_bpf_paths)" --repeat 1000000 --rounds 1 \
  --bindings 10000 --inner-bytes 64 --harness "$build_dir/bench/restore_harness.bpf.o" \
  --out "$scratch/bpf_paths.json"
profile lma_signalling "$(bench_program xpmip_bench_lma_signalling)" --bindings 100000 \
  --transactions 200000 --out "$scratch/lma_signalling.json"
