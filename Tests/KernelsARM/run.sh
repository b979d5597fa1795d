#!/usr/bin/env bash
# The C kernels on ARM64 without ARM hardware: kernels_test.c (every kernel family against
# double-precision references, on every dispatch path) built natively and run on this
# CPU's paths, then cross-compiled for aarch64 with gcc and with clang (the compiler
# SwiftPM uses) and run under qemu-aarch64 on the portable and NEON paths. Also checks
# that RECUR_KERNELS picks the NEON path and refuses x86 paths there, and that exp/σ/tanh
# give the same bits on NEON as on AVX2 (same polynomial, same FMAs).
# Needs: cc or clang, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user.
#   bash Tests/KernelsARM/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
kernels=Sources/CRecurKernels
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sysroot=/usr/aarch64-linux-gnu

for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)" >&2; exit 1; }
done
native_cc=$(command -v clang || command -v cc)

echo "== native ($(uname -m), $native_cc)"
"$native_cc" -O2 -I "$kernels/include" -I "$kernels" Tests/KernelsARM/kernels_test.c \
    "$kernels"/*.c -lm -lpthread -o "$work/native"
"$work/native"

echo "== aarch64, gcc, under qemu"
aarch64-linux-gnu-gcc -O2 -Wall -I "$kernels/include" -I "$kernels" Tests/KernelsARM/kernels_test.c \
    "$kernels"/*.c -lm -lpthread -o "$work/arm-gcc"
qemu-aarch64 -L "$sysroot" "$work/arm-gcc"

if command -v clang >/dev/null; then
    echo "== aarch64, clang (objects) + gcc (link), under qemu"
    for source in Tests/KernelsARM/kernels_test.c "$kernels"/*.c; do
        clang --target=aarch64-linux-gnu -O2 -Wall -I "$kernels/include" -I "$kernels" \
            -c "$source" -o "$work/$(basename "$source" .c).o"
    done
    aarch64-linux-gnu-gcc "$work"/*.o -lm -lpthread -o "$work/arm-clang"
    qemu-aarch64 -L "$sysroot" "$work/arm-clang"
    arm_bits=$(qemu-aarch64 -L "$sysroot" "$work/arm-clang" --bits)
else
    arm_bits=$(qemu-aarch64 -L "$sysroot" "$work/arm-gcc" --bits)
fi

echo "== RECUR_KERNELS on aarch64"
failed=0
expect() {  # expect VALUE PATH [STDERR-SUBSTRING]
    local got err
    got=$(RECUR_KERNELS="$1" qemu-aarch64 -L "$sysroot" "$work/arm-gcc" --start-path 2>"$work/err")
    err=$(cat "$work/err")
    if [ "$got" = "$2" ] && { [ -z "${3:-}" ] || [[ "$err" == *"$3"* ]]; }; then
        echo "  RECUR_KERNELS=$1 -> $got ${err:+($err)}"
    else
        echo "  FAIL: RECUR_KERNELS=$1 -> '$got' (stderr '$err'), expected $2" >&2
        failed=1
    fi
}
expect neon neon
expect portable portable
expect avx2 neon "not supported by this CPU"
expect sse9 neon "is not one of"

echo "== exp/sigmoid/tanh bits, NEON vs AVX2"
x86_bits=$("$work/native" --bits)
echo "  native: ${x86_bits//$'\n'/, }"
echo "  arm:    $arm_bits"
avx2=$(awk '$1 == "avx2" {print $2}' <<<"$x86_bits")
neon=$(awk '$1 == "neon" {print $2}' <<<"$arm_bits")
if [ -z "$avx2" ]; then
    echo "  (this CPU has no AVX2 path: comparison skipped)"
elif [ "$avx2" = "$neon" ]; then
    echo "  identical"
else
    echo "  FAIL: NEON and AVX2 differ" >&2
    failed=1
fi
exit $failed
