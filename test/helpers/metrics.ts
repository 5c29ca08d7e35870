// Reading a running server's own counts from /metrics: what tests wait on instead of sleeping.

/** The value of the first sample of `name` whose labels include `labels` (0 when there is none). */
export async function metric(url: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Polls a metric until `ok` holds, at most 2,000 times: a latch on the server's own counts. */
export async function waitFor(url: string, name: string, labels: string, ok: (v: number) => boolean): Promise<number> {
  for (let i = 0; i < 2000; i++) {
    const value = await metric(url, name, labels);
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${name}{${labels}} never reached the expected value`);
}

/** Resolves once a model has nothing queued and no call in flight. */
export async function modelIdle(url: string, model: string): Promise<void> {
  await waitFor(url, 'hub_model_queue_items', `model="${model}"`, (v) => v === 0);
  await waitFor(url, 'hub_model_calls_in_flight', `model="${model}"`, (v) => v === 0);
}
