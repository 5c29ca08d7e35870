// The jieba bench's reference: the least a Node server can do for the peer's jieba request, in one process:
// fastify with its logger off, no validation, no access log, no metrics, no deadline, the cutter called in
// place, and PaddleHub's envelope. What the full server adds (logs, metrics, validation, deadlines, auth)
// costs what separates the two; nothing built on this stack answers faster than this on the same machine.
// Usage: node dist/bench/jieba.bare-server.js PORT

import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const jieba = Jieba.withDict(dict);
const app = Fastify({ logger: false });
app.post<{ Body: { sentence: string; HMM?: boolean } }>('/predict/jieba_paddle', async (request) => ({
  msg: '',
  results: jieba.cut(request.body.sentence, request.body.HMM ?? true),
  status: '000',
}));
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`bare server ready on ${port}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
