import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

// The CPUs this process may really use. In a container with a CPU limit (Kubernetes `resources.limits.cpu`,
// `docker run --cpus`) the kernel enforces a cgroup quota, but Node 20's os.availableParallelism() still counts
// every core of the machine, so a pod limited to 1 CPU on a 16-core node would start 16 inference threads and
// be throttled. The quota is read from cgroup v2 (cpu.max) or v1 (cpu.cfs_quota_us / cpu.cfs_period_us).

/** cgroup v2 cpu.max: "max 100000" (no quota) or "150000 100000" (1.5 CPUs). Undefined when unlimited or unreadable. */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period = '100000'] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  return cpus(Number(quota), Number(period));
}

/** cgroup v1: cpu.cfs_quota_us ("-1" when unlimited) and cpu.cfs_period_us. */
export function parseCfsQuota(quotaText: string, periodText: string): number | undefined {
  return cpus(Number(quotaText.trim()), Number(periodText.trim()));
}

function cpus(quota: number, period: number): number | undefined {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined;
  return quota / period;
}

/** This process's cgroup paths from /proc/self/cgroup: the v2 path ("0::/path") and the v1 cpu controller's. */
export function parseProcCgroup(text: string): { v2?: string; v1cpu?: string } {
  const found: { v2?: string; v1cpu?: string } = {};
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, controllers, path] = match;
    if (id === '0' && controllers === '') found.v2 = path;
    else if (controllers!.split(',').includes('cpu')) found.v1cpu = path;
  }
  return found;
}

type Read = (path: string) => string | undefined;

const readText: Read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Folders to look in: the process's own cgroup (host view), then the mount's root (a container's own view). */
function candidates(mount: string, path: string | undefined): string[] {
  const list = path && path !== '/' ? [join(mount, path)] : [];
  return [...list, mount];
}

/** The CPU quota in CPUs (e.g. 1.5), or undefined when none is set. `root` and `read` are for tests. */
export function readCpuQuota(root = '/sys/fs/cgroup', read: Read = readText): number | undefined {
  const own = parseProcCgroup(read('/proc/self/cgroup') ?? '');
  for (const dir of candidates(root, own.v2)) {
    const max = read(join(dir, 'cpu.max'));
    if (max !== undefined) return parseCpuMax(max);
  }
  for (const mount of [join(root, 'cpu'), join(root, 'cpu,cpuacct'), join(root, 'cpuacct,cpu')]) {
    for (const dir of candidates(mount, own.v1cpu)) {
      const quota = read(join(dir, 'cpu.cfs_quota_us'));
      const period = read(join(dir, 'cpu.cfs_period_us'));
      if (quota !== undefined && period !== undefined) return parseCfsQuota(quota, period);
    }
  }
  return undefined;
}

export interface UsableCores {
  /** Whole cores to size threads and processes by: the machine's, or fewer under a quota (at least 1). */
  cores: number;
  /** The machine's count as Node sees it. */
  machine: number;
  /** The cgroup quota in CPUs, when one is set. */
  quota?: number;
}

/** A quota of 1.5 CPUs gives 1 core to size by: the event loop needs the remaining half. */
export function usableCores(machine = availableParallelism(), quota = readCpuQuota()): UsableCores {
  if (quota === undefined) return { cores: machine, machine };
  return { cores: Math.max(1, Math.min(machine, Math.floor(quota))), machine, quota };
}

let cached: UsableCores | undefined;

/** usableCores() of this process, read once. */
export function processCores(): UsableCores {
  cached ??= usableCores();
  return cached;
}

/** " (CPU quota 1.5 cores of 16)" for the start's layout line; empty without a quota. */
export function describeQuota({ quota, machine }: UsableCores): string {
  if (quota === undefined) return '';
  const shown = Number.isInteger(quota) ? String(quota) : quota.toFixed(2).replace(/0+$/, '');
  return ` (CPU quota ${shown} core${quota === 1 ? '' : 's'} of ${machine})`;
}
