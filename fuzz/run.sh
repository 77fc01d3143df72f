#!/usr/bin/env bash
# A long local fuzzing campaign: fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# Copies the committed seeds (fuzz/seeds/TARGET) into the working corpus (fuzz/corpus/TARGET,
# git-ignored, kept between runs so campaigns add up), then runs the target for SECONDS with
# the SSE/JSON dictionary. Crashes land in fuzz/artifacts/TARGET; the last lines of the log
# give executions per second and coverage ("cov:" edges, "ft:" features).
#
# Environment: JOBS (parallel fuzzing jobs, default 1), SANITIZER (default none: the protocol
# crate has no unsafe code; set to address to use ASan), RSS_LIMIT_MB (default 2048).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ $# -lt 2 ]; then
  echo "usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags...]" >&2
  echo "targets: $(cargo +nightly fuzz list | tr '\n' ' ')" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2

mkdir -p "corpus/${target}" "artifacts/${target}"
if [ -d "seeds/${target}" ]; then
  cp -n "seeds/${target}"/* "corpus/${target}/" 2>/dev/null || true
fi

exec cargo +nightly fuzz run --sanitizer "${SANITIZER:-none}" --jobs "${JOBS:-1}" "${target}" \
  "corpus/${target}" -- \
  -max_total_time="${seconds}" \
  -dict=sse_json.dict \
  -rss_limit_mb="${RSS_LIMIT_MB:-2048}" \
  -print_final_stats=1 \
  "$@"
