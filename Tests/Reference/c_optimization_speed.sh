#!/usr/bin/env bash
# Whether the C kernels need -O3 (which SwiftPM only takes as an unsafe flag, refused in
# a versioned dependency) or SwiftPM's release default -O2 does as well: the GEMM of
# gemm_paths_speed.c built both ways with clang, timed by thread CPU time, the two
# binaries alternating ROUNDS times; prints the median GFLOP/s per shape and -O2/-O3.
# Usage: Tests/Reference/c_optimization_speed.sh [ROUNDS] [PATH]   (default 10, 1 = avx2)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-10} path=${2:-1}
kernels=Sources/CRecurKernels
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for level in O2 O3; do
    clang -$level -DRECUR_SPEED_THREAD_CLOCK -I "$kernels/include" -I "$kernels" \
        Tests/Reference/gemm_paths_speed.c "$kernels"/sgemm*.c "$kernels/kernels_path.c" \
        -lpthread -o "$work/gemm-$level"
done
python3 - "$work" "$rounds" "$path" <<'PY'
import collections, re, statistics, subprocess, sys
work, rounds, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rates, names = collections.defaultdict(list), []
for round in range(rounds):
    for level in ("O2", "O3") if round % 2 == 0 else ("O3", "O2"):
        out = subprocess.run([f"{work}/gemm-{level}", path], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines()[1:]:
            name, rate = re.match(r"(.*?)\s+([\d.]+)$", line).groups()
            name = name.strip()
            if name not in names: names.append(name)
            rates[(name, level)].append(float(rate))
print(f"GEMM GFLOP/s (thread CPU time), medians of {rounds} alternating runs")
for name in names:
    o2, o3 = statistics.median(rates[(name, "O2")]), statistics.median(rates[(name, "O3")])
    print(f"{name:45s} -O2 {o2:6.1f}  -O3 {o3:6.1f}  -O2/-O3 {o2 / o3:.3f}")
PY
