#!/bin/sh
# KEYCLOAK_URL=http://localhost:8180 GATEWAY_URL=http://localhost:8080 BYOK_USER=bob BYOK_PASSWORD=bob sh curl.sh
set -eu

# 1. A Keycloak access token for your user (public client byok-cli, direct access grant).
BYOK_TOKEN=$(curl -sS --fail-with-body "$KEYCLOAK_URL/realms/byok/protocol/openid-connect/token" \
  -d grant_type=password -d client_id=byok-cli -d scope=openid \
  --data-urlencode "username=$BYOK_USER" --data-urlencode "password=$BYOK_PASSWORD" | jq -r .access_token)

# 2. Chat through the gateway with the token as API key (OpenAI shape: Authorization: Bearer).
curl -sS --fail-with-body "$GATEWAY_URL/openai/v1/chat/completions" \
  -H "Authorization: Bearer $BYOK_TOKEN" -H 'Content-Type: application/json' \
  -d '{"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "Say hello"}]}'
echo

# 3. The same for Anthropic (Anthropic shape: x-api-key).
curl -sS --fail-with-body "$GATEWAY_URL/anthropic/v1/messages" \
  -H "x-api-key: $BYOK_TOKEN" -H 'anthropic-version: 2023-06-01' -H 'Content-Type: application/json' \
  -d '{"model": "claude-haiku-4-5", "max_tokens": 1024, "messages": [{"role": "user", "content": "Say hello"}]}'
echo
