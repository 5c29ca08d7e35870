import { paths } from '../artifacts/home.js';
import { listPidFiles, servingProcessProven } from '../process/pidfile.js';
import { say } from './output.js';

// `hub serving status [--json]`: the services recorded under HUB_HOME/conf, a header line, and each one's URL.

function urlOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export async function servingStatus(options: { json?: boolean } = {}): Promise<void> {
  const records = await listPidFiles();
  const rows = await Promise.all(records.map(async (r) => ({
    port: r.port,
    pid: r.pid,
    running: await servingProcessProven(r),
    url: urlOf(r.host, r.port),
    host: r.host,
    modules: r.module,
    processes: r.processes,
    since: r.start_time,
  })));
  if (options.json) {
    say(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    say(`no Hub Serving is running (none recorded under ${paths.conf()})`);
    return;
  }
  const table = [
    ['PORT', 'PID', 'STATE', 'URL', 'MODULES', 'PROCESSES', 'SINCE'],
    ...rows.map((r) => [String(r.port), String(r.pid), r.running ? 'running' : 'stale', r.url, r.modules.join(','), String(r.processes), r.since]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) say(row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd());
  const stale = rows.filter((r) => !r.running);
  for (const r of stale) say(`port ${r.port}: pid ${r.pid} is not running (stale file); \`hub serving stop -p ${r.port}\` removes it`);
}
