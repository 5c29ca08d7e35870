// The jieba bench's references: the least a Node server can do for the peer's jieba request: fastify, no
// validation, no metrics, no deadline, the cutter called in place, and PaddleHub's envelope. What the full
// server adds costs what separates it from these; nothing built on this stack answers faster on the same
// machine. Two options measure the floor of what the target asks for: `--access-log` adds the one thing a
// served request must have that the bare stack lacks, a request id and one log line per request through the
// server's own logger (src/process/log.ts, to stderr); `--processes N` runs N copies on the port (node:cluster),
// the peer's layout.
// Usage: node dist/bench/jieba.bare-server.js PORT [--access-log] [--processes N]

import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { createLogger } from '../src/process/log.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'access-log': { type: 'boolean', default: false }, processes: { type: 'string', default: '1' } },
});
const port = Number(positionals[0]);
const processes = Number(values.processes);

async function serve(): Promise<void> {
  const jieba = Jieba.withDict(dict);
  const app = values['access-log']
    ? Fastify({
      loggerInstance: createLogger({ level: 'info', pretty: false }) as FastifyBaseLogger,
      genReqId: () => randomUUID(),
      logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    })
    : Fastify({ logger: false });
  if (values['access-log']) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
      done();
    });
  }
  app.post<{ Body: { sentence: string; HMM?: boolean } }>('/predict/jieba_paddle', async (request) => ({
    msg: '',
    results: jieba.cut(request.body.sentence, request.body.HMM ?? true),
    status: '000',
  }));
  await app.listen({ port, host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

if (processes > 1 && cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === processes) process.stdout.write(`bare server ready on ${port}\n`);
  });
  for (let i = 0; i < processes; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
} else {
  await serve();
  if (processes === 1) process.stdout.write(`bare server ready on ${port}\n`);
}
