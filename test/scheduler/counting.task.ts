// A task file for the pool tests: busy-waits (as onnxruntime's synchronous run would), then counts itself.
export default function countingTask(payload: { busyMs: number; counter: SharedArrayBuffer }): number {
  const end = Date.now() + payload.busyMs;
  while (Date.now() < end) {
    // hold the thread
  }
  return Atomics.add(new Int32Array(payload.counter), 0, 1) + 1;
}
