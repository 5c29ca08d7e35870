import { threadId } from 'node:worker_threads';

// A task file for the pool tests: which thread ran it.
export default async function whichThread(): Promise<number> {
  await new Promise((r) => setTimeout(r, 20));
  return threadId;
}
