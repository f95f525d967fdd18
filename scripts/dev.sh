#!/usr/bin/env bash
# `make dev`: the Keycloak emulator (127.0.0.1:8180), the fake LLM provider (127.0.0.1:8190) and
# the gateway (127.0.0.1:8080) in the foreground; Ctrl-C stops all three.
#
# ENCRYPTION_KEY(S) and BYOK_SIDECAR_SECRET come from the environment when set, else from
# .dev/secrets.env, generated on first run. The rest of the environment reaches the gateway
# unchanged (provider overrides, system keys, any Section__Key setting).
# DEV_PROVIDERS=fake (default) points every provider at the fake provider; DEV_PROVIDERS=real
# leaves the real provider URLs (bring real keys). A provider whose Providers__<id>__BaseUrl you
# set keeps it, and its key test then goes where the gateway's default sends it, not to the fake.
#
# DEV_LAGO=1 (default with the fake provider) sends the gateway's usage events to the fake
# provider's Lago stand-in (http://127.0.0.1:8190/lago; see them with GET /lago/events);
# DEV_LAGO=0 exports nothing. A Billing__Lago__Url you set (a real Lago) wins.
#
# `bash scripts/dev.sh --print-env` prints the settings make dev adds for the gateway (secrets
# excluded) and exits without starting anything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
CONFIGURATION="${CONFIGURATION:-Debug}"
DEV_PROVIDERS="${DEV_PROVIDERS:-fake}"
DEV_LAGO="${DEV_LAGO:-1}"
KEYCLOAK_PORT=8180 PROVIDER_PORT=8190 GATEWAY_PORT=8080
bin() { echo "$root/$1/bin/$CONFIGURATION/net10.0/$2.dll"; }
keycloak_url="http://127.0.0.1:$KEYCLOAK_PORT"
provider_url="http://127.0.0.1:$PROVIDER_PORT"
gateway_url="http://127.0.0.1:$GATEWAY_PORT"
# The fake provider's system OpenAI key (not a secret: nothing real accepts it) and the free
# tier's daily token budget on system keys in make dev (the fake provider counts words).
dev_system_key="sk-dev-system-openai-0000000001"
dev_free_tokens=100
# The API key of the fake provider's Lago stand-in (not a secret either: only the stand-in takes it).
dev_lago_key="lago-dev-api-key-0000000001"

# The gateway's development settings; values from your environment win.
gateway_settings() {
  if [ "$DEV_PROVIDERS" = "fake" ]; then
    local id base test
    for id in openai anthropic huggingface cohere together perplexity groq openrouter gemini mistral deepseek; do
      base="Providers__${id}__BaseUrl" test="Providers__${id}__Test__BaseUrl"
      # Your base URL makes the provider yours: pointing its key test at the fake provider would
      # test keys against a server the proxied calls never reach.
      [ -z "${!base:-}" ] || continue
      export "$base=$provider_url"
      [ -n "${!test:-}" ] || export "$test=$provider_url"
    done
  fi
  if [ "$DEV_PROVIDERS" = "fake" ] && [ -z "${OPENAI_API_KEY:-}" ]; then
    # A system OpenAI key only the fake provider accepts, for the free tier alone (alice), so the
    # limits can be seen: her small daily token budget runs out after a few chats. bob and the
    # others keep needing their own keys, as in the README's walk-through.
    export OPENAI_API_KEY="$dev_system_key"
    [ -n "${Proxy__SystemKeyTiers__0:-}" ] || export Proxy__SystemKeyTiers__0=free
  fi
  if [ "$DEV_PROVIDERS" = "fake" ] && [ "$DEV_LAGO" = "1" ] && [ -z "${Billing__Lago__Url:-}" ]; then
    # Every chat's usage event goes to the stand-in, as it would go to Lago: GET /lago/events lists them.
    export Billing__Lago__Url="$provider_url/lago"
    export Billing__Lago__ApiKey="$dev_lago_key"
  fi
  export Limits__Tiers__free__System__TokensPerDay="${Limits__Tiers__free__System__TokensPerDay-$dev_free_tokens}"
  export Keycloak__Url="${Keycloak__Url:-$keycloak_url}"
  export Cors__AllowedOrigins__0="${Cors__AllowedOrigins__0:-http://localhost:$KEYCLOAK_PORT}"
  export OutboundGuard__AllowHttp="${OutboundGuard__AllowHttp:-true}"
  export OutboundGuard__AllowPrivateNetworks="${OutboundGuard__AllowPrivateNetworks:-true}"
  export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
  # The usage ledger's SQLite file stays with the other development state (unless PostgreSQL is set).
  export Ledger__DataDirectory="${Ledger__DataDirectory:-$root/.dev/ledger}"
}

case "${1:-}" in
  "") ;;
  --print-env)
    gateway_settings
    env | grep -E "^(Providers__|Keycloak__Url=|Cors__|OutboundGuard__|DOTNET_ENVIRONMENT=|Limits__|Proxy__SystemKeyTiers__|OPENAI_API_KEY=$dev_system_key\$|Ledger__DataDirectory=|Billing__Lago__Url=)" | sort
    exit 0 ;;
  *) echo "usage: bash scripts/dev.sh [--print-env]" >&2; exit 2 ;;
esac

for dll in "$(bin sidecar byok-sidecar)" "$(bin tests/KeycloakEmulator KeycloakEmulator)" "$(bin tests/FakeProvider FakeProvider)"; do
  [ -f "$dll" ] || { echo "Missing $dll: run 'make build CONFIGURATION=$CONFIGURATION' (make dev does this)." >&2; exit 1; }
done
for port in $KEYCLOAK_PORT $PROVIDER_PORT $GATEWAY_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port on 127.0.0.1 is already in use; stop whatever listens there (another 'make dev'?) and try again." >&2
    exit 1
  fi
done

# Development secrets: generated once, kept out of git (.dev/ is ignored).
mkdir -p .dev
if [ ! -f .dev/secrets.env ]; then
  {
    echo "# Generated by make dev for local development only. Delete to regenerate (stored keys become unreadable)."
    echo "DEV_ENCRYPTION_KEY=$(dotnet "$(bin sidecar byok-sidecar)" generate-key 2>/dev/null | tail -n 1)"
    echo "DEV_BYOK_SIDECAR_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  } > .dev/secrets.env
  chmod 600 .dev/secrets.env
fi
# shellcheck disable=SC1091
source .dev/secrets.env
if [ -z "${ENCRYPTION_KEY:-}" ] && [ -z "${ENCRYPTION_KEYS:-}" ]; then export ENCRYPTION_KEY="$DEV_ENCRYPTION_KEY"; fi
export BYOK_SIDECAR_SECRET="${BYOK_SIDECAR_SECRET:-$DEV_BYOK_SIDECAR_SECRET}"

# Keys the fake provider accepts: the documented demo keys plus any system keys you exported.
demo_keys="sk-demo-openai-0000000001,sk-ant-demo-0000000001,gsk_demo_groq_0000000001,demo-custom-0000000001,$dev_system_key"
for var in OPENAI_API_KEY ANTHROPIC_API_KEY GROQ_API_KEY; do
  [ -n "${!var:-}" ] && demo_keys="$demo_keys,${!var}"
done

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# Each process logs with a prefix; `exec` keeps the PID that of dotnet itself.
start() {
  local name="$1"; shift
  ( exec "$@" ) > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}

# The test servers' per-request logs would drown the gateway's; keep their warnings and start-up lines.
quiet="Logging__LogLevel__Microsoft.AspNetCore=Warning"
start keycloak env "$quiet" dotnet "$(bin tests/KeycloakEmulator KeycloakEmulator)" --urls "$keycloak_url"
if [ "$DEV_PROVIDERS" = "fake" ]; then
  start provider env "$quiet" "FAKE_PROVIDER_KEYS=${FAKE_PROVIDER_KEYS:-$demo_keys}" "FakeProvider__LagoApiKey=$dev_lago_key" dotnet "$(bin tests/FakeProvider FakeProvider)" --urls "$provider_url"
fi

gateway_settings
export Keycloak__ClientSecret="${Keycloak__ClientSecret:-$BYOK_SIDECAR_SECRET}"

wait_for() {
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "A process exited during start-up; see its output above." >&2; exit 1; }; done
    sleep 0.5
  done
  echo "$1 did not answer within 60 seconds." >&2; exit 1
}
wait_for "$keycloak_url/realms/byok/.well-known/openid-configuration"
start gateway dotnet "$(bin sidecar byok-sidecar)" --urls "$gateway_url"
wait_for "$gateway_url/healthz"

cat <<INFO

  BYOK gateway (${CONFIGURATION}) is up:
$( if [ -n "${Management__Port:-}" ]; then
     echo "    gateway            $gateway_url   (healthz)"
     echo "    management port    http://127.0.0.1:$Management__Port   (healthz, readyz, metrics, openapi/v1.json)"
   else
     echo "    gateway            $gateway_url   (healthz, readyz, metrics, openapi/v1.json)"
   fi )
    Keycloak emulator  $keycloak_url   realm 'byok'; users alice/free, bob/starter, carol/professional, dave/enterprise (password = user name)
$( [ "$DEV_PROVIDERS" = "fake" ] && echo "    fake provider      $provider_url   every provider points here; it accepts the key sk-demo-openai-0000000001 (and sk-ant-demo-0000000001, ...)" )
$( if [ "${Billing__Lago__Url:-}" = "$provider_url/lago" ]; then
     echo "    billing (Lago)     the fake provider's Lago stand-in gets every call's usage event: curl -s $provider_url/lago/events"
   fi )
$( if [ "${OPENAI_API_KEY:-}" = "$dev_system_key" ]; then
     echo "    limits             alice (free) chats on the system OpenAI key ($dev_system_key, tiers: ${Proxy__SystemKeyTiers__0:-all}) with"
     echo "                       ${Limits__Tiers__free__System__TokensPerDay:-unlimited} tokens per UTC day and ${Limits__Tiers__free__System__RequestsPerMinute:-10} requests per minute; then 429 (the fake counts words: a 20-word chat is 41 tokens)"
   fi )

  Get a token for bob:
    TOKEN=\$(curl -s $keycloak_url/realms/byok/protocol/openid-connect/token \\
      -d grant_type=password -d client_id=byok-cli -d username=bob -d password=bob | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

  Store an OpenAI key for bob and list it:
    curl -s $gateway_url/api/v1/byok/keys/add -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"provider":"openai","key":"sk-demo-openai-0000000001","label":"demo"}'
    curl -s $gateway_url/api/v1/byok/keys -H "Authorization: Bearer \$TOKEN"

  Press Ctrl-C to stop everything.

INFO
wait -n "${pids[@]}" || true
echo "A process stopped; shutting the rest down." >&2
