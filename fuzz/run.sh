#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz / libFuzzer) of the pure X12 readers in
# crates/iop-interop: `parse_835` and `tokenize` (+ the envelope `transactions` check).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default: 60 s, targets parse_835 tokenize parse_referral
#
# Why RUSTC_BOOTSTRAP=1: cargo fuzz builds with unstable rustc flags (-Zsanitizer=address,
# -Cpasses=sancov-module and friends), which only a nightly compiler accepts. The project's
# machines carry the stable toolchain; RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags.
# Stable ships the AddressSanitizer runtime for x86_64-unknown-linux-gnu, so ASan works; if
# that build ever fails (another target, a toolchain without the runtime), the script falls
# back to `--sanitizer none`, which is still libFuzzer's coverage-guided search: it finds
# panics (safe Rust's out-of-bounds, overflow with -a, unwrap) but not memory errors in
# unsafe code. SANITIZER=none|address forces one.
#
# Kind to a shared 2-core machine: every build and run is under `nice -n 19`, builds use one
# job (CARGO_BUILD_JOBS=1), libFuzzer runs one job (-j 1), and everything builds into
# CARGO_TARGET_DIR=/work/target-fuzz, never the main workspace's target/.
# fuzz/ is its own cargo workspace (see Cargo.toml), not a member of the main one.
#
# Corpus growth (fuzz/corpus/<target>/ other than seed_*) and crashes (fuzz/artifacts/) stay
# local (fuzz/.gitignore). A crash: reproduce with
#   RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=/work/target-fuzz cargo +stable fuzz run -a TARGET fuzz/artifacts/TARGET/crash-…
# and minimise with `cargo fuzz tmin -a TARGET fuzz/artifacts/TARGET/crash-…`.
set -euo pipefail

SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(parse_835 tokenize parse_referral)

cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-fuzz}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

# 1. cargo-fuzz itself, built in a target dir of its own.
if ! cargo fuzz --version >/dev/null 2>&1; then
    CARGO_TARGET_DIR=/work/target-fuzz-install nice -n 19 cargo install cargo-fuzz --locked
fi

# 2. Build the targets (-a: debug assertions and overflow checks on, so arithmetic
#    overflow is a crash too), with ASan unless it cannot be had.
SANITIZER="${SANITIZER:-}"
if [ -z "$SANITIZER" ]; then
    if nice -n 19 cargo +stable fuzz build -a; then
        SANITIZER=address
    else
        echo "ASan build failed on this toolchain; falling back to --sanitizer none" >&2
        SANITIZER=none
    fi
fi

# 3. Fuzz each target for the budget, single job, seeded from fuzz/corpus/<target>/seed_*.
for target in "${TARGETS[@]}"; do
    echo "== fuzzing $target for ${SECONDS_PER_TARGET}s (sanitizer: $SANITIZER)"
    nice -n 19 cargo +stable fuzz run -a --sanitizer "$SANITIZER" -j 1 "$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1
done
