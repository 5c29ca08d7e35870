import type { AppState } from '../app.js';

// What the health port's thread needs to know of the serving thread, kept in a SharedArrayBuffer: the readiness
// flags and when the main event loop last ran. The thread reads it with no message from the main thread, so a
// probe is answered however busy (or stuck) that thread is; a stuck one is told by its silent heartbeat.

const READY = 0;
const DRAINING = 1;

export class HealthBoard implements AppState {
  readonly buffer: SharedArrayBuffer;
  private readonly flags: Int32Array;
  /** process.hrtime of the last heartbeat, in ns: one monotonic clock for every thread of the process. */
  private readonly beatAt: BigInt64Array;

  constructor(buffer = new SharedArrayBuffer(16)) {
    this.buffer = buffer;
    this.flags = new Int32Array(buffer, 0, 2);
    this.beatAt = new BigInt64Array(buffer, 8, 1);
  }

  get ready(): boolean {
    return Atomics.load(this.flags, READY) === 1;
  }

  set ready(value: boolean) {
    Atomics.store(this.flags, READY, value ? 1 : 0);
  }

  get draining(): boolean {
    return Atomics.load(this.flags, DRAINING) === 1;
  }

  set draining(value: boolean) {
    Atomics.store(this.flags, DRAINING, value ? 1 : 0);
  }

  beat(): void {
    Atomics.store(this.beatAt, 0, process.hrtime.bigint());
  }

  msSinceBeat(): number {
    return Number(process.hrtime.bigint() - Atomics.load(this.beatAt, 0)) / 1e6;
  }
}
