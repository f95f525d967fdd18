#!/usr/bin/env bash
# make bench: the sidecar against nginx and a direct call, with wrk, on this machine.
#
#   bash bench/run.sh              small calls (wrk) + cold path + streams (issue 14) + targets (about 12 minutes)
#   bash bench/run.sh calls        small calls and cold path only (about 5 minutes)
#   bash bench/run.sh streams      the LLM shape only: SSE streams and large bodies (about 7 minutes)
#   bash bench/run.sh micro [...]  BenchmarkDotNet micro-benchmarks (extra arguments go to BenchmarkDotNet)
#
# Environment: BENCH_ROUNDS (3), BENCH_DURATION (10 s per run), BENCH_WARMUP (5 s),
# BENCH_CONNECTIONS (8,64), BENCH_STREAM_ROUNDS (2), BENCH_STREAM_SCENARIOS (all: s500,s2000,s5000,bodies),
# BENCH_SIDECAR_ENV (space-separated NAME=VALUE for the sidecar), BENCH_SIDECAR_B_ENV (the same for a
# second sidecar measured beside the first in every streaming round: an interleaved A/B of a setting;
# in a streams run {{TLS_H2}}, {{TLS_H1}} and {{TLS_CA}} in their values name an HTTPS front of the upstream),
# BENCH_RESULTS (bench/results). Installs nginx and wrk from Debian when they are missing; compiles
# the SSE upstream and load generator (bench/sse/*.c) with gcc. Exit status 2 when a target is missed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration=Release
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

install_tools() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bench: installing ${missing[*]} from Debian"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # Other builds may hold the dpkg lock for a while: wait for it rather than fail.
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts a system nginx on port 80 where an init system exists; the
  # benchmark runs its own instances and needs none.
  $sudo service nginx stop >/dev/null 2>&1 || true
}

build() {
  echo "bench: building $* in $configuration"
  dotnet build "$@" -c "$configuration" -v quiet -nologo -clp:ErrorsOnly
}

case "${1:-}" in
  micro)
    shift
    build "$repo/tests/Benchmarks/ByokGateway.Benchmarks.csproj"
    mkdir -p "${BENCH_RESULTS:-$repo/bench/results}"
    cd "$repo/tests/Benchmarks/bin/$configuration/net10.0"
    if [ $# -eq 0 ]; then set -- --filter '*'; fi
    exec dotnet ByokGateway.Benchmarks.dll "$@" --artifacts "${BENCH_RESULTS:-$repo/bench/results}/micro"
    ;;
  "" | calls | streams) only="${1:-}" ;;
  *) echo "usage: bash bench/run.sh [calls | streams | micro [BenchmarkDotNet arguments]]" >&2; exit 64 ;;
esac

# The streaming benchmark's upstream and load generator: C, epoll, one thread each (bench/sse/).
compile_sse() {
  command -v gcc >/dev/null 2>&1 || { echo "bench: gcc is needed for bench/sse (apt-get install gcc)" >&2; exit 1; }
  mkdir -p "$repo/bench/sse/bin"
  gcc -O2 -Wall -Wextra -Werror -o "$repo/bench/sse/bin/sse-upstream" "$repo/bench/sse/upstream.c"
  gcc -O2 -Wall -Wextra -Werror -o "$repo/bench/sse/bin/sse-load" "$repo/bench/sse/load.c"
}

# 5,000 streams are 5,000 connections into each proxy and 5,000 out of it.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  [ "$(ulimit -n)" -lt 12000 ] && echo "bench: warning: fd limit $(ulimit -n) is below 12,000; 5,000 streams will fail" >&2
fi

start=$(date +%s)
install_tools
export PATH="$PATH:/usr/sbin"
build "$repo/bench/bench.slnx"
[ "$only" != calls ] && compile_sse
sidecar_env=()
for pair in ${BENCH_SIDECAR_ENV:-}; do sidecar_env+=(--sidecar-env "$pair"); done
for pair in ${BENCH_SIDECAR_B_ENV:-}; do sidecar_env+=(--sidecar-b-env "$pair"); done
status=0
dotnet "$repo/bench/Runner/bin/$configuration/net10.0/byok-bench.dll" \
  --repo "$repo" \
  --results "${BENCH_RESULTS:-$repo/bench/results}" \
  --configuration "$configuration" \
  --rounds "${BENCH_ROUNDS:-3}" \
  --duration "${BENCH_DURATION:-10}" \
  --warmup "${BENCH_WARMUP:-5}" \
  --connections "${BENCH_CONNECTIONS:-8,64}" \
  --stream-rounds "${BENCH_STREAM_ROUNDS:-2}" \
  ${BENCH_STREAM_SCENARIOS:+--stream-scenarios "$BENCH_STREAM_SCENARIOS"} \
  ${only:+--only "$only"} \
  "${sidecar_env[@]}" || status=$?
echo "bench: finished in $(( $(date +%s) - start )) s (exit $status)"
exit $status
