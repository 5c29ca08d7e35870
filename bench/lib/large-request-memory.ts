// Memory around one large request: `hub serving start -m lac`, idle after one small request, then one request
// of 1,024 texts x 1,000 characters with batch_size 1024 (the case that took the server to 7.8 GB before the
// element budget), the peak (VmHWM) and the RSS of the process tree every second for 15 s after.

import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './servers.js';
import { startOurServer } from './our-server.js';
import { treeMemory } from './proc.js';

const SENTENCES = '今天是个好日子天气预报说今天要下雨百度是一家高科技公司我在北京天安门广场见到了张三';
const AFTER_SECONDS = 15;

export interface LargeRequestMemory {
  texts: number;
  characters: number;
  idleMb: number;
  peakMb: number;
  answerMs: number;
  /** RSS 0, 1, ... AFTER_SECONDS s after the answer. */
  afterMb: number[];
  /** The first second after the answer at which RSS was within 20% of idle; undefined when it never was. */
  within20PctAfterS?: number;
}

async function post(url: string, body: unknown): Promise<void> {
  const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await reply.text();
  if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${text.slice(0, 200)}`);
}

export async function largeRequestMemory(): Promise<LargeRequestMemory> {
  const port = await freePort();
  const server = await startOurServer('lac', ['serving', 'start', '-m', 'lac', '-p', String(port), '--host', '127.0.0.1'], { HUB_LOG_LEVEL: 'warn' });
  const url = `http://127.0.0.1:${port}/predict/lac`;
  const rss = () => treeMemory(server.pid).rssMb;
  try {
    await post(url, { text: ['你好'] });
    await sleep(1000);
    const idleMb = rss();
    const text = SENTENCES.repeat(30).slice(0, 1000);
    const t0 = performance.now();
    await post(url, { text: Array.from({ length: 1024 }, () => text), batch_size: 1024 });
    const answerMs = Math.round(performance.now() - t0);
    // VmHWM: the highest RSS the process reached, between two samples too.
    const peakMb = treeMemory(server.pid).peakRssMb;
    const afterMb: number[] = [];
    for (let s = 0; s <= AFTER_SECONDS; s++) {
      afterMb.push(Math.round(rss()));
      if (s < AFTER_SECONDS) await sleep(1000);
    }
    const within = afterMb.findIndex((mb) => mb <= idleMb * 1.2);
    return { texts: 1024, characters: 1000, idleMb: Math.round(idleMb), peakMb: Math.round(peakMb), answerMs, afterMb, within20PctAfterS: within >= 0 ? within : undefined };
  } finally {
    await server.stop();
  }
}
