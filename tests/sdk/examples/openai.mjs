// npm install openai
// GATEWAY_URL=http://localhost:8080 BYOK_TOKEN=<Keycloak access token> node openai.mjs
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: `${process.env.GATEWAY_URL}/openai/v1`, // the gateway instead of api.openai.com
  apiKey: process.env.BYOK_TOKEN, // your Keycloak access token, not an OpenAI key
});

const completion = await client.chat.completions.create({
  model: 'gpt-5.4-mini',
  messages: [{ role: 'user', content: 'Say hello' }],
});
console.log(completion.choices[0].message.content);
