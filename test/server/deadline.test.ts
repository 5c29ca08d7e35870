import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { FastifyReply } from 'fastify';
import { HubError } from '../../src/errors/catalogue.js';
import type { CallContext } from '../../src/modules/types.js';
import { withDeadline } from '../../src/server/deadline.js';

// withDeadline on its own: the work's answer, the timeout, the client that leaves, and a context whose signal
// comes from its class (a getter per request gave each request's context a hidden class of its own).

/** The part of a reply withDeadline reads: the time since arrival, and the raw response's close and finish. */
function fakeReply(): { reply: FastifyReply; raw: EventEmitter & { writableFinished: boolean } } {
  const raw = Object.assign(new EventEmitter(), { writableFinished: false });
  return { reply: { elapsedTime: 0, raw } as unknown as FastifyReply, raw };
}

const timing = () => ({ queueMs: 0, inferMs: 0 });

test('the work\'s answer; the context carries the deadline, and its signal is made only when read', async () => {
  const { reply, raw } = fakeReply();
  let seen: CallContext | undefined;
  const answer = await withDeadline(60, reply, timing(), async (call) => {
    seen = call;
    return 'done';
  });
  assert.equal(answer, 'done');
  assert.ok(seen!.deadline! > performance.now() + 59_000);
  assert.equal(Object.getOwnPropertyDescriptor(seen, 'signal'), undefined, 'signal is its class\'s getter, not the object\'s own');
  assert.equal(raw.listenerCount('close'), 0, 'nobody read the signal: no listener was added');
});

test('a client that leaves before the answer aborts the signal with CLIENT_CLOSED; the listener goes with the answer', async () => {
  const { reply, raw } = fakeReply();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let signal: AbortSignal | undefined;
  const running = withDeadline(60, reply, timing(), async (call) => {
    signal = call.signal;
    await held;
    return 'late';
  });
  assert.equal(raw.listenerCount('close'), 1);
  raw.emit('close');
  assert.equal(signal!.aborted, true);
  assert.equal((signal!.reason as HubError).http, 499);
  release();
  assert.equal(await running, 'late');
  assert.equal(raw.listenerCount('close'), 0);
});

test('at the timeout: 504, and the signal aborted with it', async () => {
  const { reply } = fakeReply();
  let signal: AbortSignal | undefined;
  const running = withDeadline(0.01, reply, timing(), (call) => {
    signal = call.signal;
    return new Promise<never>(() => {});
  });
  await assert.rejects(running, (error: HubError) => error.http === 504);
  assert.equal((signal!.reason as HubError).http, 504);
});

test('onAbort hears the client leaving and the timeout without making a signal; a late listener runs at once', async () => {
  const { reply, raw } = fakeReply();
  const heard: number[] = [];
  let context: CallContext | undefined;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const running = withDeadline(60, reply, timing(), async (call) => {
    context = call;
    call.onAbort!((reason) => heard.push((reason as HubError).http));
    await held;
    return 'answered';
  });
  assert.equal(raw.listenerCount('close'), 1, 'onAbort watches the client');
  raw.emit('close');
  assert.deepEqual(heard, [499]);
  raw.emit('close');
  assert.deepEqual(heard, [499], 'once');
  context!.onAbort!((reason) => heard.push((reason as HubError).http + 1));
  assert.deepEqual(heard, [499, 500], 'a listener added after the abort runs at once');
  assert.equal((context!.signal.reason as HubError).http, 499, 'a signal read afterwards is aborted already');
  release();
  assert.equal(await running, 'answered');
  assert.equal(raw.listenerCount('close'), 0, 'the client is no longer watched once answered');

  const timed = fakeReply();
  const reasons: number[] = [];
  const timing504 = withDeadline(0.01, timed.reply, timing(), (call) => {
    const stop = call.onAbort!(() => reasons.push(-1));
    stop();
    call.onAbort!((reason) => reasons.push((reason as HubError).http));
    return new Promise<never>(() => {});
  });
  await assert.rejects(timing504, (error: HubError) => error.http === 504);
  assert.deepEqual(reasons, [504], 'a listener that stopped listening is not called');
});
