#!/bin/sh
# GATEWAY_URL=http://localhost:8080 BYOK_TOKEN=<Keycloak access token> KEY_ID=<id of a gateway key> sh gateway-keys-manage.sh
set -eu

# List your keys (previews only), then revoke one by its id: it stops working at once.
curl -sS -w '\n' --fail-with-body "$GATEWAY_URL/api/v1/byok/tokens" -H "Authorization: Bearer $BYOK_TOKEN"
curl -sS -w '\n' --fail-with-body -X DELETE "$GATEWAY_URL/api/v1/byok/tokens/$KEY_ID" -H "Authorization: Bearer $BYOK_TOKEN"
