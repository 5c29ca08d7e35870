// Rows per model call, read from the server's own /metrics (hub_batch_size): the difference between two
// scrapes is what one load run reached.

export interface BatchHistogram {
  /** Upper bound -> calls with at most that many rows (cumulative, as Prometheus keeps it). */
  buckets: Map<number, number>;
  count: number;
  sum: number;
}

/** hub_batch_size of every model, summed (a module may have several models, e.g. senta's lac and classifier). */
export function parseBatchSizes(metrics: string): BatchHistogram {
  const histogram: BatchHistogram = { buckets: new Map(), count: 0, sum: 0 };
  for (const line of metrics.split('\n')) {
    const bucket = /^hub_batch_size_bucket\{.*le="([^"]+)".*\} (\S+)$/.exec(line);
    if (bucket) {
      const le = bucket[1] === '+Inf' ? Infinity : Number(bucket[1]);
      histogram.buckets.set(le, (histogram.buckets.get(le) ?? 0) + Number(bucket[2]));
    } else if (line.startsWith('hub_batch_size_count{')) histogram.count += Number(line.slice(line.lastIndexOf(' ') + 1));
    else if (line.startsWith('hub_batch_size_sum{')) histogram.sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return histogram;
}

export function batchDelta(before: BatchHistogram, after: BatchHistogram): BatchHistogram {
  const buckets = new Map<number, number>();
  for (const [le, n] of after.buckets) buckets.set(le, n - (before.buckets.get(le) ?? 0));
  return { buckets, count: after.count - before.count, sum: after.sum - before.sum };
}

/** "calls 120, mean 12.4 rows; <=1: 5%, <=16: 60%, ..." */
export function describeBatches(h: BatchHistogram): string {
  if (h.count <= 0) return 'no model calls recorded (this module does not batch, or the server is not ours)';
  const bounds = [...h.buckets.keys()].sort((a, b) => a - b);
  let previous = 0;
  const shares: string[] = [];
  for (const le of bounds) {
    const n = h.buckets.get(le)! - previous;
    previous = h.buckets.get(le)!;
    if (n > 0) shares.push(`${le === Infinity ? '>1024' : `<=${le}`}: ${Math.round((100 * n) / h.count)}%`);
  }
  return `${h.count} model calls, ${(h.sum / h.count).toFixed(1)} rows on average (${shares.join(', ')})`;
}
