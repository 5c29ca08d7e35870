import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { getSession } from '../../../src/backends/onnx-session.js';
import { defineInfer, type InferTask } from '../../../src/modules/contract/define-infer.js';
import { writeDoubler } from '../../helpers/double-model.js';

// A renewal opens the model again with new sessions, puts it in place of the old one, and releases the old
// sessions only once the calls running on them are done. Driven here on this thread, as an inference thread
// drives it, on a real ONNX file (y = x + x).

interface Doubler {
  session: ort.InferenceSession;
}

/** A latch: `open` lets whoever waits on `opened` through. */
function latch(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** The doubler as an infer file; a call takes the next of `holds`, if any, and waits for it before running. */
function doublerInfer() {
  const warmups: Doubler[] = [];
  const holds: Promise<void>[] = [];
  const secondWarmup = latch();
  const infer = defineInfer({
    async open({ path }: { path: string }, tools): Promise<Doubler> {
      return { session: await tools.session(path) };
    },
    async warmup(model: Doubler): Promise<void> {
      if (warmups.push(model) === 2) secondWarmup.open();
    },
    async run(items: number[], model: Doubler): Promise<Doubled[]> {
      const hold = holds.shift();
      if (hold) await hold;
      const x = new ort.Tensor('float32', Float32Array.from(items.flatMap((v) => [v, v])), [items.length, 2]);
      const y = (await model.session.run({ x })).y!.data as Float32Array;
      return items.map((_, i) => ({ y: [y[2 * i]!, y[2 * i + 1]!], session: model.session }));
    },
  });
  return { infer, warmups, holds, renewedModelWarm: secondWarmup.opened };
}

interface Doubled {
  y: number[];
  session: ort.InferenceSession;
}

const dir = mkdtempSync(join(tmpdir(), 'renew-'));

describe('renewing a model\'s sessions', () => {
  test('a model that has not run since it was opened keeps its sessions', async () => {
    const open = { path: writeDoubler(mkdtempSync(join(dir, 'a-'))) };
    const { infer } = doublerInfer();
    await infer({ op: 'open', open });
    const before = await getSession(open.path);
    assert.equal(await infer({ op: 'renew', open } satisfies InferTask), false);
    assert.equal(await getSession(open.path), before);
    await infer({ op: 'release', open });
  });

  test('after a call: new sessions, warmed up, answering as before; the old ones are released', async () => {
    const open = { path: writeDoubler(mkdtempSync(join(dir, 'b-'))) };
    const { infer, warmups } = doublerInfer();
    await infer({ op: 'open', open });
    const [first] = (await infer({ op: 'run', open, items: [1.5] })) as Doubled[];
    assert.deepEqual(first!.y, [3, 3]);
    assert.equal(await infer({ op: 'renew', open }), true);
    assert.equal(warmups.length, 2, 'the new model is warmed up before it takes calls');
    assert.equal(await infer({ op: 'renew', open }), false, 'no call since: nothing to renew');
    const [second] = (await infer({ op: 'run', open, items: [2] })) as Doubled[];
    assert.deepEqual(second!.y, [4, 4]);
    assert.notEqual(second!.session, first!.session, 'calls after the renewal run on the new session');
    assert.equal(await getSession(open.path), second!.session, 'the thread hands out the new session');
    await assert.rejects(first!.session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 1), [1, 2]) }), 'the old session was released');
    await infer({ op: 'release', open });
  });

  test('a call running on the old sessions finishes on them before they are released', async () => {
    const open = { path: writeDoubler(mkdtempSync(join(dir, 'c-'))) };
    const { infer, holds, renewedModelWarm } = doublerInfer();
    await infer({ op: 'open', open });
    const old = await getSession(open.path);
    await infer({ op: 'run', open, items: [1] });
    // A call held inside run, on the old model, while the renewal opens and warms the new one.
    const gate = latch();
    holds.push(gate.opened);
    const running = infer({ op: 'run', open, items: [5] }) as Promise<Doubled[]>;
    let renewed: unknown;
    const renewal = infer({ op: 'renew', open }).then((value) => (renewed = value));
    await renewedModelWarm;
    for (let i = 0; i < 10; i++) await turn();
    assert.equal(renewed, undefined, 'the renewal waits for the call on the old sessions');
    assert.notEqual(await getSession(open.path), old, 'new calls already get the new session');
    gate.open();
    const [result] = await running;
    assert.deepEqual(result!.y, [10, 10]);
    assert.equal(result!.session, old, 'the held call ran on the old session, still open');
    await renewal;
    assert.equal(renewed, true);
    await assert.rejects(old.run({ x: new ort.Tensor('float32', Float32Array.of(1, 1), [1, 2]) }), 'then the old session was released');
    await infer({ op: 'release', open });
  });
});
