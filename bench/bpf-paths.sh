#!/usr/bin/env bash
# Issue 6 item 1 (+ BPF map memory of item 4): per-packet cost of MAG encap/decap and LMA
# encap/decap under BPF_PROG_RUN for 64- and 1400-byte inner packets with 1, 10k and 1M /64
# bindings, next to an XDP_PASS floor. Root. Writes bpf_paths.json. --smoke: tiny sizes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

program=$(bench_program xpmip_bench_bpf_paths)
# Pins left by a killed run (the program removes its own, named <role>-<pid>, on every exit).
for stale in /sys/fs/bpf/xpmip-bench/*-*; do
  if [[ -d $stale ]] && ! kill -0 "${stale##*-}" 2>/dev/null; then rm -rf "$stale"; fi
done
if ((smoke)); then
  sizes=(--repeat 1000 --rounds 1 --bindings 1,100)
else
  sizes=(--repeat 1000000 --rounds 7 --bindings 1,10000,1000000)
fi
exec "$program" "${sizes[@]}" --inner-bytes 64,1400 \
  --harness "$build_dir/bench/restore_harness.bpf.o" --out "$results_dir/bpf_paths.json"
