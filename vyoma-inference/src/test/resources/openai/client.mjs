// Runs the official openai package, unchanged, against a Vyoma inference gateway.
// BASE (the gateway's URL) and KEY (an API key) come from the environment; prints one JSON line.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.BASE + '/v1', apiKey: process.env.KEY, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Say something.' }];
const out = {};

const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const whole = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 8, ignore_eos: true });
out.whole = {
  id: whole.id,
  object: whole.object,
  content: whole.choices[0].message.content,
  role: whole.choices[0].message.role,
  finish: whole.choices[0].finish_reason,
  usage: whole.usage,
};

const stream = await client.chat.completions.create({
  model: 'tiny',
  messages,
  max_tokens: 8,
  ignore_eos: true,
  stream: true,
  stream_options: { include_usage: true },
});
let text = '';
let chunks = 0;
let finish = null;
let usage = null;
for await (const chunk of stream) {
  if (chunk.choices.length > 0) {
    const c = chunk.choices[0];
    if (c.delta.content) {
      chunks++;
      text += c.delta.content;
    }
    if (c.finish_reason) finish = c.finish_reason;
  }
  if (chunk.usage) usage = chunk.usage;
}
out.stream = { text, chunks, finish, usage };

try {
  await client.chat.completions.create({ model: 'no-such-model', messages });
  out.error = null;
} catch (e) {
  out.error = { status: e.status, code: e.code, type: e.type, message: e.message };
}
console.log(JSON.stringify(out));
