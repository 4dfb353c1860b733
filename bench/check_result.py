#!/usr/bin/env python3
"""Checks that a benchmark's JSON result parses and has every field the report needs, for every
case the run's own parameters asked for. No timing thresholds: numbers only have to exist and be
finite (and counts/rates positive). Usage: check_result.py <result.json>... ; exit 1 on a fault."""
import json
import math
import sys

BPF_PATHS = ["mag_encap", "mag_decap", "lma_encap", "lma_decap", "fib_lookup_only"]
LMA_KINDS = ["attach", "refresh", "handoff"]


class Fault(Exception):
    pass


def need(obj, key, kind, where, positive=False):
    if not isinstance(obj, dict) or key not in obj:
        raise Fault(f"{where}: missing '{key}'")
    value = obj[key]
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise Fault(f"{where}.{key}: not a finite number: {value!r}")
        if positive and value <= 0:
            raise Fault(f"{where}.{key}: not positive: {value!r}")
    elif not isinstance(value, kind):
        raise Fault(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
    return value


def check_machine(doc):
    machine = need(doc, "machine", dict, "document")
    for key in ("cpu_model", "kernel", "started_utc"):
        need(machine, key, str, "machine")
    need(machine, "online_cores", float, "machine", positive=True)
    for where, loads in (("machine", machine.get("load_average")), ("document", doc.get("load_average_end"))):
        if not isinstance(loads, list) or len(loads) != 3:
            raise Fault(f"{where}: load average must be three numbers, got {loads!r}")


def check_cases(rows, key, expected, where):
    seen = {tuple(row[k] for k in key) for row in rows}
    missing = sorted(set(expected) - seen)
    if missing:
        raise Fault(f"{where}: no result for {dict(zip(key, missing[0]))} ({len(missing)} missing)")


def check_bpf_paths(doc):
    params = need(doc, "parameters", dict, "document")
    counts = need(params, "bindings", list, "parameters")
    sizes = need(params, "inner_bytes", list, "parameters")
    rows = need(doc, "results", list, "document")
    for i, row in enumerate(rows):
        where = f"results[{i}]"
        if need(row, "path", str, where) not in BPF_PATHS:
            raise Fault(f"{where}: unknown path {row['path']!r}")
        need(row, "program", str, where)
        need(row, "verdict", str, where)
        for key in ("inner_bytes", "frame_bytes", "bindings"):
            need(row, key, float, where, positive=True)
        need(row, "floor_ns", float, where, positive=True)
        for key in ("ns_per_packet", "ratio_to_floor", "harness_ns"):
            need(row, key, float, where)
    check_cases(rows, ("path", "inner_bytes", "bindings"),
                [(p, s, c) for p in BPF_PATHS for s in sizes for c in counts], "results")
    if counts[-1] > 1:
        memory = need(doc, "map_memory", dict, "document")
        maps = need(memory, "maps", list, "map_memory")
        if {m.get("map") for m in maps} != {"mag_hnp64_v1", "lma_hnp64_v1"}:
            raise Fault(f"map_memory.maps: expected the two /64 binding maps, got {maps!r}")
        for m in maps:
            need(m, "memlock_bytes_per_binding", float, f"map_memory[{m['map']}]", positive=True)


def check_lma_signalling(doc):
    params = need(doc, "parameters", dict, "document")
    counts = need(params, "bindings", list, "parameters")
    rows = need(doc, "results", list, "document")
    for i, row in enumerate(rows):
        where = f"results[{i}]"
        if need(row, "kind", str, where) not in LMA_KINDS:
            raise Fault(f"{where}: unknown kind {row['kind']!r}")
        need(row, "bindings", float, where, positive=True)
        for key in ("transactions", "transactions_per_second", "transactions_per_cpu_second",
                    "cpu_ns_per_transaction"):
            need(row, key, float, where, positive=True)
    check_cases(rows, ("kind", "bindings"), [(k, c) for k in LMA_KINDS for c in counts], "results")
    memory = need(doc, "core_memory", list, "document")
    check_cases(memory, ("bindings",), [(c,) for c in counts], "core_memory")
    for m in memory:
        need(m, "heap_bytes_per_binding", float, "core_memory", positive=True)
        need(m, "rss_bytes_per_binding", float, "core_memory")


CHECKS = {"bpf_paths": check_bpf_paths, "lma_signalling": check_lma_signalling}


def check_file(path):
    with open(path) as f:
        doc = json.load(f)
    name = need(doc, "benchmark", str, "document")
    if name not in CHECKS:
        raise Fault(f"unknown benchmark {name!r}")
    check_machine(doc)
    CHECKS[name](doc)
    return name


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            print(f"{path}: {check_file(path)} ok")
        except (OSError, json.JSONDecodeError, Fault) as error:
            print(f"{path}: {error}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
