#!/usr/bin/env bash
# make bench: the sidecar against nginx and a direct call, with wrk, on this machine.
#
#   bash bench/run.sh              load benchmark + cold path + targets (about 5 minutes)
#   bash bench/run.sh micro [...]  BenchmarkDotNet micro-benchmarks (extra arguments go to BenchmarkDotNet)
#
# Environment: BENCH_ROUNDS (3), BENCH_DURATION (10 s per run), BENCH_WARMUP (5 s),
# BENCH_CONNECTIONS (8,64), BENCH_RESULTS (bench/results). Installs nginx and wrk from Debian
# when they are missing. Exit status 2 when a target is missed.
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
  "" ) ;;
  *) echo "usage: bash bench/run.sh [micro [BenchmarkDotNet arguments]]" >&2; exit 64 ;;
esac

start=$(date +%s)
install_tools
export PATH="$PATH:/usr/sbin"
build "$repo/bench/bench.slnx"
status=0
dotnet "$repo/bench/Runner/bin/$configuration/net10.0/byok-bench.dll" \
  --repo "$repo" \
  --results "${BENCH_RESULTS:-$repo/bench/results}" \
  --configuration "$configuration" \
  --rounds "${BENCH_ROUNDS:-3}" \
  --duration "${BENCH_DURATION:-10}" \
  --warmup "${BENCH_WARMUP:-5}" \
  --connections "${BENCH_CONNECTIONS:-8,64}" || status=$?
echo "bench: finished in $(( $(date +%s) - start )) s (exit $status)"
exit $status
