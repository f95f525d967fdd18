#!/bin/sh
# GATEWAY_URL=http://localhost:8080 BYOK_TOKEN=<Keycloak access token> sh gateway-key.sh   (needs curl and jq)
set -eu

# Create a gateway key with a Keycloak access token (BYOK_TOKEN, e.g. from the device grant of byok-cli).
BYOK_KEY=$(curl -sS --fail-with-body "$GATEWAY_URL/api/v1/byok/tokens" \
  -H "Authorization: Bearer $BYOK_TOKEN" -H 'Content-Type: application/json' \
  -d '{"name": "laptop", "expires_in_days": 90}' | jq -r .token)

# Use it wherever a provider key goes.
curl -sS --fail-with-body "$GATEWAY_URL/openai/v1/chat/completions" \
  -H "Authorization: Bearer $BYOK_KEY" -H 'Content-Type: application/json' \
  -d '{"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "Say hello"}]}'
