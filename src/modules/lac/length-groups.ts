// A model call over rows of different lengths pads every row to the longest, and ONNX Runtime's recurrent
// kernels pay for the padding (and a little more where lengths differ). Measured on LAC's BiGRU, one thread,
// 64 rows: 32 rows of 10 characters with 32 of 7 padded to 10 cost 82 us a row; the same rows as two calls of
// one length each, 75 and 54 (21% less). A call's rows are therefore split into groups of near-equal length
// where that saves more than the extra calls cost.

/**
 * What a call costs, in units of one row's time step: `width x (rows + step) + call`. Fitted to LAC's BiGRU
 * on one thread (us per call at widths 10 and 30, 1 to 64 rows): a time step of a row ~6.5 us, of the call
 * itself ~3 us, a call ~45 us.
 */
export interface CallCost {
  step: number;
  call: number;
}

export const RECURRENT_CALL_COST: CallCost = { step: 0.5, call: 7 };

/**
 * Row indexes in groups of near-equal length, longest group first and longest rows first within a group:
 * the split of the rows, sorted by length, that costs least under `cost`. Lengths are the rows' unpadded lengths.
 */
export function lengthGroups(lengths: readonly number[], cost: CallCost = RECURRENT_CALL_COST): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const n = order.length;
  // best[j]: least cost of the first j rows of `order`; from[j]: where the last group of that split starts.
  const best = new Float64Array(n + 1);
  const from = new Int32Array(n + 1);
  for (let j = 1; j <= n; j++) {
    best[j] = Infinity;
    for (let i = 0; i < j; i++) {
      const width = lengths[order[i]!]!;
      const total = best[i]! + width * (j - i + cost.step) + cost.call;
      if (total < best[j]!) {
        best[j] = total;
        from[j] = i;
      }
    }
  }
  const groups: number[][] = [];
  for (let j = n; j > 0; j = from[j]!) groups.push(order.slice(from[j]!, j));
  return groups.reverse();
}

/** Runs rows in their length groups, one call after the other: results in the rows' order. */
export async function runByLength<T extends { length: number }, R>(rows: readonly T[], run: (group: T[]) => Promise<R[]>, cost?: CallCost): Promise<R[]> {
  const groups = lengthGroups(rows.map((row) => row.length), cost);
  if (groups.length === 1) return run(rows as T[]);
  const out = new Array<R>(rows.length);
  for (const group of groups) {
    const results = await run(group.map((i) => rows[i]!));
    group.forEach((row, k) => (out[row] = results[k]!));
  }
  return out;
}
