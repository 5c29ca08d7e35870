import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { float16ToFloat32 } from '../../../src/artifacts/convert/tfjs/float16.js';
import { decodeWeights, readTfjsModel, type TfConst, type TfGraphModel, type TfNode } from '../../../src/artifacts/convert/tfjs/model-json.js';
import { tfjsGraphToOnnx, transposeData } from '../../../src/artifacts/convert/tfjs/to-onnx.js';

// The TF.js -> ONNX converter against a plain-JS NHWC reference of the same ops, on a graph built here with
// every kind of node the shipped detectors use (fused convolutions, depthwise, SAME padding with odd sizes,
// per-channel constants, pooling, reductions, resizing, concatenation, padding, reshaping).

type T = { shape: number[]; data: Float32Array };

const b64 = (s: string) => Buffer.from(s).toString('base64');
const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 97.13 + i * 12.9898) * 0.5);

function samePad(size: number, k: number, s: number): { out: number; before: number } {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return { out, before: Math.floor(total / 2) };
}

/** NHWC convolution (batch 1); depthwise filters are [kh, kw, in, multiplier]. */
function conv(x: T, f: TfConst, stride: number, depthwise: boolean, bias?: Float32Array): T {
  const [H, W, C] = x.shape.slice(1) as [number, number, number];
  const [kh, kw, cin, cout] = f.shape as [number, number, number, number];
  const ph = samePad(H, kh, stride);
  const pw = samePad(W, kw, stride);
  const outC = depthwise ? cin * cout : cout;
  const out = new Float32Array(ph.out * pw.out * outC);
  for (let oy = 0; oy < ph.out; oy++) for (let ox = 0; ox < pw.out; ox++) for (let oc = 0; oc < outC; oc++) {
    let sum = bias ? bias[oc]! : 0;
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * stride + ky - ph.before;
      const ix = ox * stride + kx - pw.before;
      if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
      if (depthwise) {
        const c = Math.floor(oc / cout);
        sum += x.data[(iy * W + ix) * C + c]! * f.data[((ky * kw + kx) * cin + c) * cout + (oc % cout)]!;
      } else {
        for (let c = 0; c < C; c++) sum += x.data[(iy * W + ix) * C + c]! * f.data[((ky * kw + kx) * cin + c) * cout + oc]!;
      }
    }
    out[(oy * pw.out + ox) * outC + oc] = sum;
  }
  return { shape: [1, ph.out, pw.out, outC], data: out };
}

const map = (x: T, fn: (v: number, i: number) => number): T => ({ shape: x.shape, data: x.data.map(fn) });

function maxPoolSame(x: T, k: number, s: number): T {
  const [H, W, C] = x.shape.slice(1) as [number, number, number];
  const ph = samePad(H, k, s);
  const pw = samePad(W, k, s);
  const out = new Float32Array(ph.out * pw.out * C).fill(-Infinity);
  for (let oy = 0; oy < ph.out; oy++) for (let ox = 0; ox < pw.out; ox++) for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const iy = oy * s + ky - ph.before;
      const ix = ox * s + kx - pw.before;
      if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
      const o = (oy * pw.out + ox) * C + c;
      out[o] = Math.max(out[o]!, x.data[(iy * W + ix) * C + c]!);
    }
  }
  return { shape: [1, ph.out, pw.out, C], data: out };
}

/** TF's legacy bilinear resize (align_corners and half_pixel_centers false). */
function resizeBilinear(x: T, oh: number, ow: number): T {
  const [H, W, C] = x.shape.slice(1) as [number, number, number];
  const out = new Float32Array(oh * ow * C);
  for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    const fy = (y * H) / oh;
    const fx = (xx * W) / ow;
    const y0 = Math.floor(fy);
    const x0 = Math.floor(fx);
    const y1 = Math.min(y0 + 1, H - 1);
    const x1 = Math.min(x0 + 1, W - 1);
    const dy = fy - y0;
    const dx = fx - x0;
    for (let c = 0; c < C; c++) {
      const at = (yy: number, xq: number) => x.data[(yy * W + xq) * C + c]!;
      const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * dx;
      const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * dx;
      out[(y * ow + xx) * C + c] = top + (bottom - top) * dy;
    }
  }
  return { shape: [1, oh, ow, C], data: out };
}

function concatChannels(a: T, b: T): T {
  const [H, W, Ca] = a.shape.slice(1) as [number, number, number];
  const Cb = b.shape[3]!;
  const out = new Float32Array(H * W * (Ca + Cb));
  for (let p = 0; p < H * W; p++) {
    out.set(a.data.subarray(p * Ca, (p + 1) * Ca), p * (Ca + Cb));
    out.set(b.data.subarray(p * Cb, (p + 1) * Cb), p * (Ca + Cb) + Ca);
  }
  return { shape: [1, H, W, Ca + Cb], data: out };
}

function meanHw(x: T): Float32Array {
  const [H, W, C] = x.shape.slice(1) as [number, number, number];
  const out = new Float32Array(C);
  for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) out[c]! += x.data[p * C + c]! / (H * W);
  return out;
}

function padHw(x: T, top: number, bottom: number, left: number, right: number): T {
  const [H, W, C] = x.shape.slice(1) as [number, number, number];
  const oh = H + top + bottom;
  const ow = W + left + right;
  const out = new Float32Array(oh * ow * C);
  for (let y = 0; y < H; y++) out.set(x.data.subarray(y * W * C, (y + 1) * W * C), ((y + top) * ow + left) * C);
  return { shape: [1, oh, ow, C], data: out };
}

// A graph in TF.js's JSON form with its weights.
const f32 = (shape: number[], data: Float32Array | number[]): TfConst => ({ dtype: 'float32', shape, data: Float32Array.from(data) });
const i32 = (shape: number[], data: number[]): TfConst => ({ dtype: 'int32', shape, data: Int32Array.from(data) });
const strAttr = (s: string) => ({ s: b64(s) });
const listI = (v: number[]) => ({ list: { i: v.map(String) } });

function buildModel(): { model: TfGraphModel; weights: Record<string, TfConst> } {
  const weights: Record<string, TfConst> = {
    w1: f32([3, 3, 3, 4], rand(3 * 3 * 3 * 4, 1)),
    b1: f32([4], [0.1, -0.2, 0.3, 0]),
    dw: f32([3, 3, 4, 2], rand(3 * 3 * 4 * 2, 2)),
    dwb: f32([8], rand(8, 3)),
    scale: f32([8], rand(8, 4)),
    half: f32([], [0.5]),
    se_axes: i32([2], [1, 2]),
    up: i32([2], [6, 5]),
    w2: f32([1, 1, 8, 3], rand(8 * 3, 5)),
    cat_axis: i32([], [-1]),
    pads: i32([4, 2], [0, 0, 1, 0, 0, 2, 0, 0]),
    shape: i32([2], [1, -1]),
  };
  const node = (name: string, op: string, input: string[], attr: TfNode['attr'] = {}): TfNode => ({ name, op, input, attr });
  const convAttrs = (stride: number, fused: string[]) => ({
    strides: listI([1, stride, stride, 1]), padding: strAttr('SAME'), data_format: strAttr('NHWC'),
    dilations: listI([1, 1, 1, 1]), fused_ops: { list: { s: fused.map(b64) } }, num_args: { i: String(fused.length ? 1 : 0) },
  });
  const nodes: TfNode[] = [
    node('x', 'Placeholder', []),
    ...Object.keys(weights).map((k) => node(k, 'Const', [])),
    node('c1', '_FusedConv2D', ['x', 'w1', 'b1'], convAttrs(2, ['BiasAdd', 'Relu6'])),
    node('d1', 'FusedDepthwiseConv2dNative', ['c1', 'dw', 'dwb'], convAttrs(1, ['BiasAdd', 'Relu'])),
    node('m1', 'Mul', ['d1', 'scale']),
    node('a1', 'AddV2', ['half', 'm1']),
    node('se', 'Mean', ['a1', 'se_axes'], { keep_dims: { b: true } }),
    node('g1', 'Mul', ['a1', 'se']),
    node('p1', 'MaxPool', ['g1'], { ksize: listI([1, 3, 3, 1]), strides: listI([1, 2, 2, 1]), padding: strAttr('SAME') }),
    node('r1', 'ResizeBilinear', ['p1', 'up'], { align_corners: { b: false }, half_pixel_centers: { b: false } }),
    node('c2', 'Conv2D', ['r1', 'w2'], convAttrs(1, [])),
    node('cat', 'ConcatV2', ['c2', 'r1', 'cat_axis'], { N: { i: '2' } }),
    node('sig', 'Sigmoid', ['cat']),
    node('pad', 'Pad', ['sig', 'pads']),
    node('flat', 'Reshape', ['pad', 'shape']),
    node('out', 'Identity', ['flat']),
  ];
  return { model: { nodes, weights: new Map(Object.entries(weights)) }, weights };
}

function reference(x: T, w: Record<string, TfConst>): T {
  const c1 = map(conv(x, w.w1!, 2, false, w.b1!.data as Float32Array), (v) => Math.min(Math.max(v, 0), 6));
  const d1 = map(conv(c1, w.dw!, 1, true, w.dwb!.data as Float32Array), (v) => Math.max(v, 0));
  const a1 = map(d1, (v, i) => v * w.scale!.data[i % 8]! + 0.5);
  const se = meanHw(a1);
  const g1 = map(a1, (v, i) => v * se[i % 8]!);
  const p1 = maxPoolSame(g1, 3, 2);
  const r1 = resizeBilinear(p1, 6, 5);
  const c2 = conv(r1, w.w2!, 1, false);
  const sig = map(concatChannels(c2, r1), (v) => 1 / (1 + Math.exp(-v)));
  const pad = padHw(sig, 1, 0, 0, 2);
  return { shape: [1, pad.data.length], data: pad.data };
}

describe('TF.js graph to ONNX', () => {
  test('a graph of every supported op kind matches the NHWC reference', async () => {
    const { model, weights } = buildModel();
    const x: T = { shape: [1, 9, 7, 3], data: rand(9 * 7 * 3, 9) };
    const onnx = tfjsGraphToOnnx(model, { inputs: [{ name: 'x', shape: [1, 9, 7, 3] }], outputs: ['out'] });
    const session = await ort.InferenceSession.create(onnx);
    const out = (await session.run({ x: new ort.Tensor('float32', x.data, x.shape) })).out!;
    const expected = reference(x, weights);
    assert.deepEqual(out.dims, expected.shape);
    const got = out.data as Float32Array;
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - expected.data[i]!) < 1e-4, `value ${i}: ${got[i]} vs ${expected.data[i]}`);
    await session.release();
  });

  test('a NHWC output of a convolution comes back in TF layout under its own name', async () => {
    const { model } = buildModel();
    const onnx = tfjsGraphToOnnx(model, { inputs: [{ name: 'x', shape: [1, 9, 7, 3] }], outputs: ['c1', 'se'] });
    const session = await ort.InferenceSession.create(onnx);
    const out = await session.run({ x: new ort.Tensor('float32', rand(9 * 7 * 3, 9), [1, 9, 7, 3]) });
    assert.deepEqual(out.c1!.dims, [1, 5, 4, 4]);
    assert.deepEqual(out.se!.dims, [1, 1, 1, 8]);
    await session.release();
  });

  test('SplitV gives several outputs; constant shape arithmetic (SparseToDense, AddV2) is folded', async () => {
    const model: TfGraphModel = {
      nodes: [
        { name: 'x', op: 'Placeholder' },
        { name: 'sizes', op: 'Const' }, { name: 'axis', op: 'Const' },
        { name: 'idx', op: 'Const' }, { name: 'dims', op: 'Const' }, { name: 'vals', op: 'Const' }, { name: 'zero', op: 'Const' }, { name: 'base', op: 'Const' },
        { name: 'conv_w', op: 'Const' },
        { name: 'c', op: 'Conv2D', input: ['x', 'conv_w'], attr: { strides: listI([1, 1, 1, 1]), padding: strAttr('VALID') } },
        { name: 'sp', op: 'SplitV', input: ['c', 'sizes', 'axis'], attr: { num_split: { i: '2' } } },
        { name: 'dense', op: 'SparseToDense', input: ['idx', 'dims', 'vals', 'zero'] },
        { name: 'shape', op: 'AddV2', input: ['base', 'dense'] },
        { name: 'flat', op: 'Reshape', input: ['sp:1', 'shape'] },
      ],
      weights: new Map(Object.entries({
        sizes: i32([2], [1, 3]), axis: i32([], [3]),
        // [1, -1] built the roundabout way converters leave behind: base [1, 0] + dense [0, -1].
        idx: i32([1, 1], [1]), dims: i32([1], [2]), vals: i32([1], [-1]), zero: i32([], [0]), base: i32([2], [1, 0]),
        conv_w: f32([1, 1, 4, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      })),
    };
    const onnx = tfjsGraphToOnnx(model, { inputs: [{ name: 'x', shape: [1, 2, 2, 4] }], outputs: ['sp', 'flat'] });
    const session = await ort.InferenceSession.create(onnx);
    const x = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = await session.run({ x: new ort.Tensor('float32', x, [1, 2, 2, 4]) });
    assert.deepEqual(out.sp!.dims, [1, 2, 2, 1]);
    assert.deepEqual(Array.from(out.sp!.data as Float32Array), [0, 4, 8, 12]);
    assert.deepEqual(out.flat!.dims, [1, 12]);
    assert.deepEqual(Array.from(out.flat!.data as Float32Array), [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15]);
    await session.release();
  });

  test('unsupported ops and undeclared inputs are named in the error', () => {
    const { model } = buildModel();
    model.nodes.push({ name: 'odd', op: 'NonMaxSuppressionV5', input: ['out'] });
    assert.throws(() => tfjsGraphToOnnx(model, { inputs: [{ name: 'x', shape: [1, 9, 7, 3] }], outputs: ['odd'] }),
      /TF op NonMaxSuppressionV5 \(node odd\) is not supported/);
    assert.throws(() => tfjsGraphToOnnx(model, { inputs: [], outputs: ['out'] }), /depends on input x, which was not declared/);
    assert.throws(() => tfjsGraphToOnnx(model, { inputs: [{ name: 'x', shape: [1, 9, 7, 3] }], outputs: ['nothing'] }), /no node nothing/);
  });

  test('model.json with float16 and uint8-quantized shards is read from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-'));
    // 1.0, -2.5, 65504 (largest half), a subnormal; then uint8 q with scale 0.5, min -1.
    const half = Buffer.from(Uint16Array.from([0x3c00, 0xc100, 0x7bff, 0x0001]).buffer);
    const q = Buffer.from([0, 2, 4]);
    const ints = Buffer.from(Int32Array.from([7, -3]).buffer);
    writeFileSync(join(dir, 'm.bin'), Buffer.concat([half, q, ints]));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({
      format: 'graph-model',
      modelTopology: { node: [{ name: 'a', op: 'Const' }, { name: 'b', op: 'Const' }, { name: 'c', op: 'Const' }] },
      weightsManifest: [{ paths: ['m.bin'], weights: [
        { name: 'a', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'b', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'c', shape: [2], dtype: 'int32' },
      ] }],
    }));
    const model = await readTfjsModel(join(dir, 'model.json'));
    assert.deepEqual(Array.from(model.weights.get('a')!.data), [1, -2.5, 65504, 2 ** -24]);
    assert.deepEqual(Array.from(model.weights.get('b')!.data), [-1, 0, 1]);
    assert.deepEqual(Array.from(model.weights.get('c')!.data), [7, -3]);
    assert.throws(() => decodeWeights([{ name: 'a', shape: [8], dtype: 'float32' }], new Uint8Array(16)), /runs past the end/);
  });

  test('float16 decoding of zero, infinities and NaN; transposes of constants', () => {
    const bytes = new Uint8Array(Uint16Array.from([0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555]).buffer);
    const v = float16ToFloat32(bytes);
    assert.equal(v[0], 0);
    assert.ok(Object.is(v[1], -0));
    assert.equal(v[2], Infinity);
    assert.equal(v[3], -Infinity);
    assert.ok(Number.isNaN(v[4]));
    assert.ok(Math.abs(v[5]! - 1 / 3) < 1e-3);
    assert.deepEqual(Array.from(transposeData(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0])), [1, 4, 2, 5, 3, 6]);
  });
});
