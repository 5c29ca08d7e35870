import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roundLikePaddleHub, sentaResult } from '../../../src/modules/senta_bilstm/result.js';
import { signatureProblem } from '../../../src/modules/senta_bilstm/senta-files.js';

// Values on the right were printed by Python 3 with numpy float32, as PaddleHub's postprocess computes them:
// float('%.4f' % p) and float('%.4f' % (1 - p)).

const f32 = Math.fround;

test("rounding is Python's '%.4f': exact halves go to even, where toFixed would go up", () => {
  const python: [number, number][] = [
    [0.03125, 0.0312], [0.96875, 0.9688], [0.15625, 0.1562], [0.40625, 0.4062], [0.84375, 0.8438], [0.65625, 0.6562],
    [f32(0.94065), 0.9406], [0.059350013732910156, 0.0594],
    [0.6250954866409302, 0.6251], [0.8972138166427612, 0.8972], [0.7756856679916382, 0.7757],
    [0.22520719468593597, 0.2252], [0.3001662790775299, 0.3002], [0.873553454875946, 0.8736],
    [0.0052653043530881405, 0.0053], [0.8212284445762634, 0.8212],
    [0, 0], [1, 1], [0.5, 0.5], [f32(0.00004), 0], [f32(0.99996), 1],
  ];
  for (const [x, want] of python) assert.equal(roundLikePaddleHub(x), want, `round(${x})`);
  assert.equal((0.03125).toFixed(4), '0.0313', 'the difference from toFixed this function exists for');
});

test('negative_probs is 1 - positive in float32, rounded on its own (as PaddleHub), not probs[0]', () => {
  const python: [number, number, number][] = [
    // positive prob (float32), positive_probs, negative_probs
    [0.6250954866409302, 0.6251, 0.3749], [0.8972138166427612, 0.8972, 0.1028], [0.7756856679916382, 0.7757, 0.2243],
    [0.22520719468593597, 0.2252, 0.7748], [0.3001662790775299, 0.3002, 0.6998], [0.873553454875946, 0.8736, 0.1264],
    [0.0052653043530881405, 0.0053, 0.9947], [0.8212284445762634, 0.8212, 0.1788], [f32(0.94065), 0.9406, 0.0594],
    [0.03125, 0.0312, 0.9688],
  ];
  for (const [p, pos, neg] of python) {
    const r = sentaResult('t', 0.123, p); // probs[0] is deliberately unrelated: PaddleHub never reads it for the numbers
    assert.equal(r.positive_probs, pos);
    assert.equal(r.negative_probs, neg);
  }
});

test('label and key follow argmax, the first index winning a tie; keys in PaddleHub\'s order', () => {
  assert.deepEqual(sentaResult('这家餐厅很好吃', f32(0.0593), f32(0.9407)),
    { text: '这家餐厅很好吃', sentiment_label: 1, sentiment_key: 'positive', positive_probs: 0.9407, negative_probs: 0.0593 });
  assert.deepEqual(Object.keys(sentaResult('x', 0.2, 0.8)), ['text', 'sentiment_label', 'sentiment_key', 'positive_probs', 'negative_probs']);
  const low = sentaResult('这部电影真的很差劲', f32(0.98), f32(0.02));
  assert.equal(low.sentiment_label, 0);
  assert.equal(low.sentiment_key, 'negative');
  assert.equal(low.positive_probs, 0.02);
  assert.equal(low.negative_probs, 0.98);
  const tie = sentaResult('', 0.5, 0.5);
  assert.equal(tie.sentiment_label, 0, 'numpy argmax takes the first of equal values');
  assert.equal(tie.sentiment_key, 'negative');
  assert.throws(() => sentaResult('x', NaN, 0.5), /not probabilities/);
});

test('the ONNX signature check names what is missing and what is expected', () => {
  assert.equal(signatureProblem(['word_ids', 'seq_lens'], ['probs', 'other']), undefined);
  assert.equal(signatureProblem(['seq_lens', 'word_ids'], ['probs']), undefined);
  assert.match(signatureProblem(['word_ids'], ['probs'])!, /it has inputs \[word_ids\] and outputs \[probs\], lacking input seq_lens; expected inputs word_ids int64/);
  assert.match(signatureProblem(['word_ids', 'seq_lens', 'mask'], ['probs'])!, /inputs we cannot feed: mask/);
});
