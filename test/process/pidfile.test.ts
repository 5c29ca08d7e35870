import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isServingProcess, processStartTime } from '../../src/process/pidfile.js';
import { freePort, freshHubHome, runHub } from '../helpers/cli.js';

// A PID file proves its process by the start time /proc gives: a recycled pid of any other program, even one
// whose command line reads "hub serving", is never taken for ours, and never signalled.

test('the start time identifies a process; a wrong or missing one does not', () => {
  const started = processStartTime(process.pid);
  assert.ok(Number.isInteger(started) && started! > 0);
  assert.equal(isServingProcess({ pid: process.pid, proc_start: started }), true);
  assert.equal(isServingProcess({ pid: process.pid, proc_start: started! + 1 }), false);
  assert.equal(isServingProcess({ pid: process.pid }), false, 'a record without a start time proves nothing');
  assert.equal(isServingProcess({ pid: 2 ** 22 + 7, proc_start: started }), false, 'no such process');
  assert.equal(isServingProcess({ pid: -1, proc_start: started }), false);
});

test('a process that has exited but is not yet collected (a zombie) is not running', async () => {
  // The shell starts a child, prints its pid and becomes `sleep`, which never collects it: a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()))));
    let stat = '';
    for (let i = 0; i < 400 && !/\) Z /.test(stat); i++) {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!/\) Z /.test(stat)) await new Promise((r) => setTimeout(r, 5));
    }
    assert.match(stat, /\) Z /, 'the child became a zombie');
    const started = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    assert.equal(isServingProcess({ pid, proc_start: started }), false);
  } finally {
    parent.kill('SIGKILL');
  }
});

test('hub serving stop never signals a foreign process named like ours; status does not call it running', async () => {
  const home = freshHubHome();
  const port = await freePort();
  // A program whose command line holds "hub" and "serving", as a recycled pid might.
  const foreign = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'hub', 'serving', 'start'], { stdio: 'ignore' });
  try {
    const exited = new Promise<number | null>((resolve) => foreign.once('exit', (code) => resolve(code)));
    mkdirSync(join(home, 'conf'), { recursive: true });
    const record = { pid: foreign.pid, port, host: '127.0.0.1', module: ['lac'], start_time: new Date().toISOString(), processes: 1, proc_start: 12345 };
    writeFileSync(join(home, 'conf', `serving_${port}.json`), JSON.stringify(record));
    const status = runHub(['serving', 'status'], { HUB_HOME: home });
    assert.match(status.stdout, /not running \(stale file/);
    const stop = runHub(['serving', 'stop', '-p', String(port)], { HUB_HOME: home });
    assert.equal(stop.status, 0, stop.stderr);
    assert.match(stop.stdout, /was not running; removed its stale file/);
    assert.equal(foreign.exitCode, null, 'the foreign process still runs');
    assert.equal(foreign.signalCode, null);
    foreign.kill('SIGKILL');
    await exited;
  } finally {
    if (foreign.exitCode === null && foreign.signalCode === null) foreign.kill('SIGKILL');
  }
});
