// Measurements on a shared machine: wait for a quiet moment, repeat a measurement that other work disturbed,
// keep the least disturbed. Shared by every bench so they all apply the same rule.

import { waitForQuiet } from './proc.js';

/** % of one core taken by work outside the bench above which a measurement is taken again. */
export const OTHER_CPU_RETRY = 25;
export const MAX_ATTEMPTS = 3;
/** Longest wait for the machine to go quiet before each measurement. */
export const QUIET_WAIT_MS = 20000;

/**
 * Each measurement waits a bounded time for a quiet moment, and one during which other work still took a
 * real share of the cores is repeated, at most MAX_ATTEMPTS times in all; the least disturbed one is kept.
 */
export async function leastDisturbed<T>(label: string, measure: () => Promise<T>, otherOf: (t: T) => number,
  log: (line: string) => void): Promise<T & { attempts: number }> {
  let best: T | undefined;
  let attempts = 0;
  while (attempts < MAX_ATTEMPTS) {
    attempts++;
    const waited = await waitForQuiet(OTHER_CPU_RETRY, QUIET_WAIT_MS);
    if (waited > 1500) log(`  ${label}: waited ${Math.round(waited / 1000)} s for other work on the machine to calm down`);
    const result = await measure();
    if (best === undefined || otherOf(result) < otherOf(best)) best = result;
    if (otherOf(result) < OTHER_CPU_RETRY) break;
    if (attempts < MAX_ATTEMPTS) log(`  ${label}: other work used ${otherOf(result)}% of a core meanwhile; measuring again`);
  }
  return { ...best!, attempts };
}

/** BENCH_SECONDS, else the bench's default. */
export function measuredSeconds(fallback: number): number {
  const raw = process.env.BENCH_SECONDS;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 600) throw new Error(`BENCH_SECONDS=${raw}: expected a number of seconds in (0, 600]`);
  return value;
}

/** One line for the docs about a measurement that other work disturbed or made us repeat; none if it was clean. */
export function disturbanceNote(what: string, otherPct: number, top: string[] | undefined, attempts: number): string | undefined {
  if (otherPct < 10 && attempts === 1) return undefined;
  return `${what}: other work used ${otherPct}% of a core${top?.length ? ` (${top.join(', ')})` : ''}` +
    `${attempts > 1 ? `; measured ${attempts} times, the least disturbed kept` : ''}`;
}
