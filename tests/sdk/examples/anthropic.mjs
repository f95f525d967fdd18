// npm install @anthropic-ai/sdk
// GATEWAY_URL=http://localhost:8080 BYOK_TOKEN=<Keycloak access token> node anthropic.mjs
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({
  baseURL: `${process.env.GATEWAY_URL}/anthropic`, // the gateway instead of api.anthropic.com
  apiKey: process.env.BYOK_TOKEN, // your Keycloak access token, not an Anthropic key
});

const message = await client.messages.create({
  model: 'claude-haiku-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Say hello' }],
});
console.log(message.content[0].text);
