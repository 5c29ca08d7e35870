import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { operationsDocSection, type OperationsResults } from '../../bench/operations.report.js';

const machine = { date: '2026-12-03T07:00:00.000Z', cpuModel: 'CPU', cores: 2, memoryGb: 24, node: 'v20', loadAverage1m: 0.5, commit: 'abc1234' } as OperationsResults['machine'];
const probes = (p99Ms: number) => ({ answered: 500, failed: 0, p50Ms: 1.2, p99Ms, maxMs: p99Ms + 1 });

describe('operations report', () => {
  test('every part with figures: warm start median, both ports, memory and when it came back', () => {
    const text = operationsDocSection({
      bench: 'operations',
      machine,
      warmStart: { status: 'ok', module: 'lac', runs: [{ wallMs: 950, cpuMs: 1200 }, { wallMs: 990, cpuMs: 1300 }, { wallMs: 1010, cpuMs: 1250 }], medianWallMs: 990, medianCpuMs: 1250 },
      health: { status: 'ok', connections: 32, seconds: 15, loadReport: 'lac: 3000 req/s', servingPort: probes(12.5), healthPort: probes(3.25), bareServer: probes(2.5), loadAverage1m: 2.1 },
      memory: { status: 'ok', texts: 1024, characters: 1000, idleMb: 170, peakMb: 390, answerMs: 4200, afterMb: [380, 310, 200], within20PctAfterS: 2 },
    }, 'operations-x.json');
    assert.match(text, /median 990 ms\*\* over 3 starts \(950, 990, 1010 ms\)/);
    assert.match(text, /\| serving port \| 500 \| 0 \| 1\.20 ms \| 13 ms \|/);
    assert.match(text, /\| health port \(its own thread\) \| 500 \| 0 \| 1\.20 ms \| 3\.25 ms \|/);
    assert.match(text, /\| control: a bare node:http server, its own process \| 500 \| 0 \| 1\.20 ms \| 2\.50 ms \|/);
    assert.match(text, /RSS 170 MB idle, peak 390 MB; after the answer, each second: 380, 310, 200 MB\. Within 20% of idle 2 s after the answer\./);
    assert.match(text, /at commit abc1234/);
  });

  test('a failed part says why; memory that never came back says so', () => {
    const text = operationsDocSection({
      bench: 'operations',
      machine,
      warmStart: { status: 'failed', reason: 'hub install lac failed: no weights' },
      health: { status: 'failed', reason: 'hub bench exited with 1' },
      memory: { status: 'ok', texts: 1024, characters: 1000, idleMb: 170, peakMb: 390, answerMs: 4200, afterMb: [380, 310, 310] },
    }, 'operations-x.json');
    assert.match(text, /Warm start: failed \(hub install lac failed: no weights\)/);
    assert.match(text, /\/healthz under load: failed \(hub bench exited with 1\)/);
    assert.match(text, /Not back within 20% of idle in the 15 s watched\./);
  });
});
