#!/usr/bin/env bash
# Issue 6 item 3(a) (+ LMA core memory of item 4): PBU->PBA transactions per second through the
# LMA core in-process at 1k, 100k and 1M live bindings, CPU time per PBU. Writes
# lma_signalling.json. --smoke: tiny sizes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

program=$(bench_program xpmip_bench_lma_signalling)
if ((smoke)); then
  sizes=(--bindings 100,1000 --transactions 1000)
else
  sizes=(--bindings 1000,100000,1000000 --transactions 200000)
fi
exec "$program" "${sizes[@]}" --out "$results_dir/lma_signalling.json"
