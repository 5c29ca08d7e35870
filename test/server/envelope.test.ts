import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubError, hubError } from '../../src/errors/catalogue.js';
import { failure, success, toHubError } from '../../src/server/envelope.js';

const context = { bodyLimit: 1024, contentType: 'text/plain' };

test('success and failure keep PaddleHub\'s envelope', () => {
  assert.deepEqual(success([1]), { msg: '', results: [1], status: '000' });
  assert.deepEqual(failure(hubError('UNKNOWN_MODULE', 'x', ['lac'])),
    { msg: 'Module x is not available. Available: lac.', results: '', status: '111', error: 'unknown_module' });
});

test('framework errors map to catalogue entries with the right HTTP status', () => {
  assert.equal(toHubError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, context).http, 413);
  const media = toHubError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, context);
  assert.equal(media.http, 415);
  assert.match(media.message, /text\/plain is not supported/);
  assert.equal(toHubError({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }, context).status, '112');
  assert.equal(toHubError({ statusCode: 400, message: 'Unexpected token' }, context).status, '112');
});

test('unexpected errors never carry their details to the client', () => {
  const error = toHubError(new TypeError('secret /home/path at line 3'), context);
  assert.equal(error.http, 500);
  assert.equal(error.status, '101');
  assert.doesNotMatch(error.message, /secret/);
  const own = hubError('TIMEOUT', 5);
  assert.equal(toHubError(own, context), own);
  assert.ok(own instanceof HubError);
  assert.equal(own.http, 504);
});
