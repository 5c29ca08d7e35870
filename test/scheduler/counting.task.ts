// A task file for the pool tests: busy-waits (as onnxruntime's synchronous run would), counts itself, and
// reports when it ran.
export default function countingTask(payload: { busyMs: number; counter: SharedArrayBuffer }): { count: number; start: number; end: number } {
  const start = Date.now();
  while (Date.now() < start + payload.busyMs) {
    // hold the thread
  }
  return { count: Atomics.add(new Int32Array(payload.counter), 0, 1) + 1, start, end: Date.now() };
}
