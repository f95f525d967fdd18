// npm install openai @anthropic-ai/sdk
// OPENAI_BASE_URL=http://localhost:8080/v1 OPENAI_API_KEY=<gateway key>
// ANTHROPIC_BASE_URL=http://localhost:8080/anthropic ANTHROPIC_API_KEY=<gateway key> node env-clients.mjs
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

const openai = new OpenAI(); // OPENAI_BASE_URL, OPENAI_API_KEY
const anthropic = new Anthropic(); // ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY

const completion = await openai.chat.completions.create({
  model: 'openai/gpt-5.4-mini', // or groq/..., anthropic/..., any provider you have a key for
  messages: [{ role: 'user', content: 'Say hello' }],
});
console.log(completion.choices[0].message.content);

const message = await anthropic.messages.create({
  model: 'claude-haiku-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Say hello' }],
});
console.log(message.content[0].text);
