#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time (ctest fuzz.<name>): new inputs go to a
# temporary directory, the committed seed corpus is only read (libFuzzer writes to its
# first corpus directory only), and a crash, leak, timeout or broken property fails the
# test and leaves its input in the artifacts directory.
# Usage: run_fuzz.sh BINARY SEED_CORPUS ARTIFACT_DIR [SECONDS]
set -euo pipefail
binary=$1 seeds=$2 artifacts=$3 seconds=${4:-${TWOSTEP_FUZZ_SECONDS:-10}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
"$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$work" "$seeds"
