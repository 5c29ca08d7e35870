import type { TensorData } from '../server/v2/tensor-codec.js';
import type { WireTensor } from './wire-tensor.js';

// Requests' tensors stacked along the batch dimension into one model call, and the call's outputs cut back
// into each request's rows.

function concatData(parts: TensorData[]): TensorData {
  const first = parts[0]!;
  if (Array.isArray(first)) return (parts as string[][]).flat();
  const total = parts.reduce((n, p) => n + (p as ArrayLike<unknown>).length, 0);
  const out = new (first.constructor as new (n: number) => Exclude<TensorData, string[]>)(total);
  let at = 0;
  for (const part of parts as Exclude<TensorData, string[]>[]) {
    (out as { set(a: ArrayLike<number | bigint>, o: number): void }).set(part as ArrayLike<number | bigint>, at);
    at += part.length;
  }
  return out;
}

/** One tensor per input name, each the inputs of every request one after the other along dimension 0. */
export function stackInputs(requests: Record<string, WireTensor>[]): Record<string, WireTensor> {
  const out: Record<string, WireTensor> = {};
  for (const name of Object.keys(requests[0]!)) {
    const parts = requests.map((r) => r[name]!);
    out[name] = {
      type: parts[0]!.type,
      dims: [parts.reduce((n, p) => n + p.dims[0]!, 0), ...parts[0]!.dims.slice(1)],
      data: concatData(parts.map((p) => p.data)),
    };
  }
  return out;
}

/** Cuts each output into consecutive blocks of `rows[i]` along dimension 0. */
export function splitOutputs(outputs: Record<string, WireTensor>, rows: readonly number[]): Record<string, WireTensor>[] {
  const total = rows.reduce((n, r) => n + r, 0);
  const parts: Record<string, WireTensor>[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    if (t.dims[0] !== total) throw new Error(`output ${name} has ${t.dims[0]} rows for ${total} stacked ones: it cannot be split by request`);
    const perRow = t.dims.slice(1).reduce((n, d) => n * d, 1);
    let at = 0;
    rows.forEach((r, i) => {
      const data = Array.isArray(t.data) ? t.data.slice(at * perRow, (at + r) * perRow) : (t.data as Exclude<TensorData, string[]>).slice(at * perRow, (at + r) * perRow);
      parts[i]![name] = { type: t.type, dims: [r, ...t.dims.slice(1)], data };
      at += r;
    });
  }
  return parts;
}

/** Requests stack only with requests whose tensors agree in everything but the first dimension. */
export function stackKey(feeds: Record<string, WireTensor>): string {
  return Object.entries(feeds).map(([name, t]) => `${name}:${t.type}:${t.dims.slice(1).join('x')}`).sort().join('|');
}
