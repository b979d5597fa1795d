#!/usr/bin/env bash
# What each kernel path is worth on this CPU, in two tables:
#  1. GEMM alone (Tests/Reference/gemm_paths_speed.c, built here with clang -O3 as
#     SwiftPM builds the kernels, or $CC): one core, the engine's shapes, best of 9
#     alternating rounds per path.
#  2. Training: `recur bench --json` (the five reference configurations a–e) run
#     alternately with RECUR_KERNELS=<each path>, ROUNDS times each: median tokens/s
#     and GFLOP/s per configuration and path, the ratio of each path to the first, and
#     the median CPU seconds (user + system) a whole bench run took.
# Alternating keeps slow drift (another build on the same cores, thermals) out of the
# ratios; medians keep single disturbed runs out of them. CPU seconds are less
# disturbed than wall time when another process takes a core away for a while.
# Usage: Tests/Reference/kernel_paths_speed.sh [RECUR_BINARY] [ROUNDS] [PATHS...]
#   defaults: .build/release/recur (built here if missing), 5 rounds, "avx2 avx512".
# About 16 s per bench run on 2 cores, so ~3.5 minutes with the defaults.
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
rounds=${2:-5}
shift $(( $# > 2 ? 2 : $# ))
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(avx2 avx512)
if [ ! -x "$recur" ]; then swift build -c release >/dev/null; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)   binary: $recur   rounds: $rounds   paths: ${paths[*]}"
echo

kernels=Sources/CRecurKernels
compiler=${CC:-$(command -v clang || echo cc)}
"$compiler" -O3 -I "$kernels/include" -I "$kernels" Tests/Reference/gemm_paths_speed.c \
    "$kernels"/sgemm*.c "$kernels/kernels_path.c" -lpthread -o "$work/gemm_paths_speed"
ids=()
for path in "${paths[@]}"; do
    case $path in portable) ids+=(0) ;; avx2) ids+=(1) ;; avx512) ids+=(2) ;;
        *) echo "unknown path $path (portable, avx2, avx512)" >&2; exit 2 ;; esac
done
"$work/gemm_paths_speed" "${ids[@]}"
echo

python3 - "$recur" "$rounds" "${paths[@]}" <<'PY'
import collections, json, os, resource, statistics, subprocess, sys
recur, rounds, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
tokens, gflops, cpu = collections.defaultdict(list), collections.defaultdict(list), collections.defaultdict(list)
for _ in range(rounds):
    for path in paths:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([recur, "bench", "--json"], env=dict(os.environ, RECUR_KERNELS=path),
                             check=True, capture_output=True, text=True).stdout
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[path].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        for line in out.splitlines():
            record = json.loads(line)
            # A path the CPU cannot run falls back; "kernels" records what really ran.
            if record["kernels"] != path:
                sys.exit(f"asked for {path} but {record['kernels']} ran: this CPU lacks {path}")
            tokens[(record["name"], path)].append(record["tokens_per_sec"])
            gflops[(record["name"], path)].append(record["gflops"])
base = paths[0]
median = statistics.median
print(f"{'training':13s}" + "".join(f" {p + ' tok/s':>14s} {'GFLOP/s':>8s}" for p in paths)
      + "".join(f" {p + '/' + base:>12s}" for p in paths[1:]))
for name in sorted({key[0] for key in tokens}):
    row = f"{name:13s}"
    for path in paths:
        row += f" {median(tokens[(name, path)]):14.0f} {median(gflops[(name, path)]):8.1f}"
    for path in paths[1:]:
        row += f" {median(tokens[(name, path)]) / median(tokens[(name, base)]):12.3f}"
    print(row)
print(f"{'CPU s/run':13s}" + "".join(f" {median(cpu[p]):14.1f} {'':8s}" for p in paths)
      + "".join(f" {median(cpu[base]) / median(cpu[p]):12.3f}" for p in paths[1:]))
spread = max(max(v) / min(v) for v in tokens.values())
print(f"(medians of {rounds} runs per path; ratios > 1 mean faster than {base}; "
      f"largest max/min spread of one cell: {spread:.2f})")
PY
