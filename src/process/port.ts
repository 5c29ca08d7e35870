import { createServer } from 'node:net';

/** Why listening on host:port fails now (taken, privileged, no such address), or undefined when it would not. */
export function listenProblem(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Whether something already listens on host:port (checked by trying to listen there ourselves). */
export async function portInUse(port: number, host: string): Promise<boolean> {
  const code = (await listenProblem(port, host))?.code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

export async function waitForPortFree(port: number, host: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await portInUse(port, host))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A port on 127.0.0.1 that nothing listens on now (the system picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
