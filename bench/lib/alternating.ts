// Targets measured in turn, round after round, so that a ratio between two of them is taken from runs seconds
// apart rather than minutes apart (see AlternatingRounds in lac.report.ts). The order turns by one each round:
// no target always runs first after a pause, or always right after the heaviest one.

import type { AlternatingRounds } from '../lac.report.js';

export interface AlternatingEntry {
  id: string;
  label: string;
  kind: AlternatingRounds['series'][number]['kind'];
  /** One measured run: requests (or requests' worth) per second. */
  measure(): Promise<number>;
}

/** Round r runs the entries starting at index r, wrapping around. */
export function roundOrder(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, i) => (round + i) % count);
}

export async function alternate(
  entries: AlternatingEntry[],
  plan: Omit<AlternatingRounds, 'series'>,
  log: (line: string) => void,
): Promise<AlternatingRounds> {
  const series = entries.map((e) => ({ id: e.id, label: e.label, kind: e.kind, rps: [] as (number | null)[] }));
  for (let round = 0; round < plan.rounds; round++) {
    const line: string[] = [];
    for (const index of roundOrder(entries.length, round)) {
      let rps: number | null;
      try {
        rps = await entries[index]!.measure();
      } catch (error) {
        log(`  ${entries[index]!.label}: failed in round ${round + 1}: ${(error as Error).message}`);
        rps = null;
      }
      series[index]!.rps[round] = rps;
      line.push(`${entries[index]!.id} ${rps === null ? 'failed' : Math.round(rps)}`);
    }
    log(`  round ${round + 1}: ${line.join(', ')}`);
  }
  return { ...plan, series };
}
