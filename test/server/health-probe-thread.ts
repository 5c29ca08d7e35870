import { parentPort, workerData } from 'node:worker_threads';

// A probe client on a thread of its own, so that the test's main thread can keep its event loop blocked (where
// the service runs) while probes are sent and answered. It fetches urls[0] until it answers `untilStatus`, then
// each other url once, posts the answers and raises `done`, which the blocked main thread watches.

export interface ProbeThreadData {
  urls: string[];
  untilStatus?: number;
  /** Int32Array[1]: 0 until the answers are posted, then 1 (2: a probe failed, its error posted instead). */
  done: SharedArrayBuffer;
}

export interface ProbeAnswer {
  status: number;
  body: Record<string, unknown>;
}

const { urls, untilStatus, done } = workerData as ProbeThreadData;

async function get(url: string): Promise<ProbeAnswer> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const flag = new Int32Array(done);
try {
  let first = await get(urls[0]!);
  while (untilStatus !== undefined && first.status !== untilStatus) first = await get(urls[0]!);
  const answers = [first];
  for (const url of urls.slice(1)) answers.push(await get(url));
  parentPort!.postMessage(answers);
  Atomics.store(flag, 0, 1);
} catch (error) {
  parentPort!.postMessage({ error: String(error) });
  Atomics.store(flag, 0, 2);
}
Atomics.notify(flag, 0);
