// A task that holds its inference thread until the test releases it: Int32 cell 0 goes from 0 to 1.
// Cell 1 counts the tasks that have started waiting, so the test knows the threads are held.

export default function latch(task: { cells: SharedArrayBuffer }): void {
  const cells = new Int32Array(task.cells);
  Atomics.add(cells, 1, 1);
  Atomics.notify(cells, 1);
  Atomics.wait(cells, 0, 0, 30_000);
}
