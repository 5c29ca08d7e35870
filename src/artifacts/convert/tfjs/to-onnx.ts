import { attr, ElemType, floatTensor, GraphBuilder, int32Tensor, int64Tensor, tensorValueInfo, type AttrValue, type Dim, type TensorProto, type ValueInfoProto } from '../onnx-graph.js';
import type { TfAttr, TfConst, TfGraphModel, TfNode } from './model-json.js';

// Converts a TF.js graph model (a frozen TensorFlow GraphDef) to ONNX, so the vision models published for
// TF.js run on onnxruntime like every other module, with no second runtime in the threads.
//
// TensorFlow keeps images as NHWC; ONNX's Conv and pooling want NCHW. Each converted value therefore carries a
// layout: 'tf' (the ONNX tensor is the TF tensor) or 'nchw' (the ONNX tensor is the TF NHWC tensor transposed to
// NCHW). Convolutions produce 'nchw', elementwise ops keep what they get, and layout-blind ops such as Reshape
// get a Transpose back to 'tf' first. onnxruntime removes the transposes that cancel out.

type Layout = 'tf' | 'nchw';

interface Value {
  /** ONNX value name; undefined for a constant not yet written as an initializer. */
  name?: string;
  layout: Layout;
  constant?: TfConst;
}

export interface ConvertOptions {
  /** The graph inputs (Placeholder names) with the shapes to declare, e.g. [1, 512, 512, 3]. */
  inputs: { name: string; shape: Dim[] }[];
  /** Node names whose values become graph outputs, in TF layout. */
  outputs: string[];
  graphName?: string;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** Where TF NHWC axis a sits in NCHW. */
const NCHW_POSITION = [0, 2, 3, 1];

const text = (a: TfAttr | undefined) => (a?.s === undefined ? undefined : Buffer.from(a.s, 'base64').toString('utf8'));
const ints = (a: TfAttr | undefined) => (a?.list?.i ?? []).map(Number);
const strings = (a: TfAttr | undefined) => (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
const numel = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);

/** The producing node of an input reference ("name", "name:0"); control inputs ("^name") are dropped by callers. */
function producer(ref: string): { node: string; index: number } {
  const colon = ref.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(ref.slice(colon + 1))) return { node: ref.slice(0, colon), index: Number(ref.slice(colon + 1)) };
  return { node: ref, index: 0 };
}

/** Permutes a row-major array of the given shape. */
function transposeData<T extends Float32Array | Int32Array | Uint8Array>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = stride;
    stride *= shape[d]!;
  }
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let from = 0;
    for (let d = 0; d < rank; d++) from += index[d]! * inStrides[perm[d]!]!;
    out[o] = data[from]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

class Converter {
  private readonly g = new GraphBuilder();
  private readonly values = new Map<string, Value>();
  private readonly transposed = new Map<string, string>();
  private readonly byName: Map<string, TfNode>;
  /** Requested outputs: their TF names go to the graph outputs, so their inner values are renamed. */
  private outputNames = new Set<string>();

  constructor(private readonly model: TfGraphModel) {
    this.byName = new Map(model.nodes.map((n) => [n.name, n]));
  }

  convert(options: ConvertOptions): Uint8Array {
    this.outputNames = new Set(options.outputs);
    const inputs: ValueInfoProto[] = options.inputs.map(({ name, shape }) => {
      const node = this.byName.get(name);
      if (node?.op !== 'Placeholder') throw new Error(`input ${name} is not a Placeholder of the graph`);
      this.values.set(name, { name: this.g.reserve(name), layout: 'tf' });
      return tensorValueInfo(name, ElemType.FLOAT, shape);
    });
    for (const node of this.order(options.outputs)) {
      const converted = this.convertNode(node);
      // Ops with several outputs give a list: output k is known as "name:k", output 0 also as "name".
      const list = Array.isArray(converted) ? converted : [converted];
      list.forEach((value, k) => this.values.set(k === 0 ? node.name : `${node.name}:${k}`, value));
    }
    const outputs: ValueInfoProto[] = options.outputs.map((name) => {
      const value = this.value(name);
      // Outputs get their TF names; shapes are left to onnxruntime's inference.
      this.g.op('Identity', [this.as(value, 'tf')], {}, name);
      return { name, type: { tensorType: { elemType: ElemType.FLOAT } } };
    });
    return this.g.encode({ graphName: options.graphName ?? 'tfjs', inputs, outputs, opset: 13, producerName: 'hub-serving tfjs-to-onnx' });
  }

  private nameOf(node: TfNode): string {
    return this.outputNames.has(node.name) ? `${node.name}/value` : node.name;
  }

  /** Nodes needed for the outputs, producers first. */
  private order(outputs: string[]): TfNode[] {
    const done = new Set<string>(this.values.keys());
    const ordered: TfNode[] = [];
    const stack: { name: string; expanded: boolean }[] = outputs.map((name) => ({ name: producer(name).node, expanded: false })).reverse();
    while (stack.length > 0) {
      const top = stack.pop()!;
      if (done.has(top.name)) continue;
      const node = this.byName.get(top.name);
      if (!node) throw new Error(`the graph has no node ${top.name}`);
      if (top.expanded) {
        done.add(top.name);
        ordered.push(node);
        continue;
      }
      if (node.op === 'Placeholder') throw new Error(`output depends on input ${node.name}, which was not declared`);
      stack.push({ name: top.name, expanded: true });
      for (const ref of node.input ?? []) {
        if (ref.startsWith('^')) continue;
        const from = producer(ref).node;
        if (!done.has(from)) stack.push({ name: from, expanded: false });
      }
    }
    return ordered;
  }

  private value(ref: string): Value {
    const { node, index } = producer(ref);
    const value = this.values.get(index === 0 ? node : `${node}:${index}`);
    if (!value) throw new Error(index === 0 ? `value ${node} used before it is defined` : `output ${index} of ${node} is not produced`);
    return value;
  }

  private dataInputs(node: TfNode): Value[] {
    return (node.input ?? []).filter((r) => !r.startsWith('^')).map((r) => this.value(r));
  }

  private constOf(value: Value, what: string): TfConst {
    if (!value.constant) throw new Error(`${what} must be a constant`);
    return value.constant;
  }

  /** The value's ONNX name in the wanted layout, writing constants and inserting transposes as needed. */
  private as(value: Value, layout: Layout): string {
    if (value.constant) return this.initializer(value.constant, layout);
    if (value.layout === layout) return value.name!;
    const key = `${value.name}|${layout}`;
    let name = this.transposed.get(key);
    if (!name) {
      name = this.g.op('Transpose', [value.name!], { perm: attr.ints(layout === 'nchw' ? NHWC_TO_NCHW : NCHW_TO_NHWC) });
      this.transposed.set(key, name);
    }
    return name;
  }

  /** A constant as an initializer. For 'nchw', it is first given TF's broadcast rank 4, then transposed. */
  private initializer(c: TfConst, layout: Layout): string {
    let shape = c.shape;
    let data = c.data;
    if (layout === 'nchw' && shape.length > 0) {
      if (shape.length > 4) throw new Error('a constant of rank above 4 cannot meet an NCHW tensor');
      shape = [...new Array<number>(4 - shape.length).fill(1), ...shape];
      data = transposeData(data, shape, NHWC_TO_NCHW);
      shape = NHWC_TO_NCHW.map((p) => shape[p]!);
    }
    if (c.dtype === 'float32') return this.constant('const', (name) => floatTensor(name, shape, data as Float32Array));
    if (c.dtype === 'int32') return this.constant('const', (name) => int32Tensor(name, shape, data as Int32Array));
    throw new Error('boolean constants are not supported');
  }

  /** An initializer under a fresh name (GraphBuilder.init wants a name not yet reserved). */
  private constant(hint: string, make: (name: string) => TensorProto): string {
    const name = this.g.fresh(hint);
    this.g.initializers.push(make(name));
    return name;
  }

  private int64(values: readonly number[]): string {
    return this.constant('i64', (name) => int64Tensor(name, [values.length], values));
  }

  private float(value: number): string {
    return this.constant('f32', (name) => floatTensor(name, [], [value]));
  }

  private out(node: TfNode, opType: string, inputs: string[], attributes: Record<string, AttrValue>, layout: Layout): Value {
    return { name: this.g.op(opType, inputs, attributes, this.nameOf(node)), layout };
  }

  private convertNode(node: TfNode): Value | Value[] {
    const a = node.attr ?? {};
    const ins = () => this.dataInputs(node);
    switch (node.op) {
      case 'Const': {
        const constant = this.model.weights.get(node.name);
        if (!constant) throw new Error(`constant ${node.name} has no weights`);
        return { layout: 'tf', constant };
      }
      case 'Identity':
      case 'StopGradient':
        return ins()[0]!;
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative':
        return this.conv(node, ins());
      case 'MaxPool':
      case 'AvgPool':
        return this.pool(node, ins()[0]!);
      case 'Add': case 'AddV2': case 'BiasAdd': case 'Sub': case 'Mul': case 'RealDiv': case 'Div':
      case 'Maximum': case 'Minimum': case 'Pow':
        return this.binary(node, ins());
      case 'Relu': case 'Sigmoid': case 'Tanh': case 'Exp': case 'Log': case 'Sqrt': case 'Neg': case 'Abs':
      case 'Elu': case 'Softplus': case 'Reciprocal':
        return this.unary(node, node.op, ins()[0]!);
      case 'Rsqrt': {
        const x = ins()[0]!;
        const root = this.g.op('Sqrt', [this.as(x, x.layout)]);
        return this.out(node, 'Reciprocal', [root], {}, x.layout);
      }
      case 'Relu6': {
        const x = ins()[0]!;
        return this.out(node, 'Clip', [this.as(x, x.layout), this.float(0), this.float(6)], {}, x.layout);
      }
      case 'LeakyRelu': {
        const x = ins()[0]!;
        return this.out(node, 'LeakyRelu', [this.as(x, x.layout)], { alpha: attr.float(a.alpha?.f ?? 0.2) }, x.layout);
      }
      case 'ConcatV2':
        return this.concat(node, ins());
      case 'Mean': case 'Sum': case 'Max': case 'Min': case 'Prod':
        return this.reduce(node, ins());
      case 'ResizeBilinear':
      case 'ResizeNearestNeighbor':
        return this.resize(node, ins());
      case 'Pad': case 'PadV2': case 'MirrorPad':
        return this.pad(node, ins());
      case 'Reshape': {
        const [x, shape] = ins();
        return this.out(node, 'Reshape', [this.as(x!, 'tf'), this.int64([...this.constOf(shape!, `shape of ${node.name}`).data])], {}, 'tf');
      }
      case 'Transpose': {
        const [x, perm] = ins();
        return this.out(node, 'Transpose', [this.as(x!, 'tf')], { perm: attr.ints([...this.constOf(perm!, `perm of ${node.name}`).data]) }, 'tf');
      }
      case 'Squeeze': {
        const x = ins()[0]!;
        const axes = ints(a.squeeze_dims);
        return this.out(node, 'Squeeze', axes.length ? [this.as(x, 'tf'), this.int64(axes)] : [this.as(x, 'tf')], {}, 'tf');
      }
      case 'ExpandDims': {
        const [x, axis] = ins();
        return this.out(node, 'Unsqueeze', [this.as(x!, 'tf'), this.int64([...this.constOf(axis!, `axis of ${node.name}`).data])], {}, 'tf');
      }
      case 'SplitV':
        return this.split(node, ins());
      case 'SparseToDense':
        return { layout: 'tf', constant: sparseToDense(node, ins().map((v) => this.constOf(v, `inputs of ${node.name}`))) };
      case 'Softmax':
        return this.out(node, 'Softmax', [this.as(ins()[0]!, 'tf')], { axis: attr.int(-1) }, 'tf');
      default:
        throw new Error(`TF op ${node.op} (node ${node.name}) is not supported by the ONNX converter`);
    }
  }

  private unary(node: TfNode, op: string, x: Value): Value {
    return this.out(node, op, [this.as(x, x.layout)], {}, x.layout);
  }

  private binary(node: TfNode, inputs: Value[]): Value {
    const ops: Record<string, string> = { Add: 'Add', AddV2: 'Add', BiasAdd: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Div: 'Div', Maximum: 'Max', Minimum: 'Min', Pow: 'Pow' };
    if (inputs.every((v) => v.constant)) return { layout: 'tf', constant: foldBinary(node, inputs.map((v) => v.constant!)) };
    // An NCHW operand makes the result NCHW; constants are rearranged to broadcast the same way.
    const layout: Layout = inputs.some((v) => !v.constant && v.layout === 'nchw') ? 'nchw' : 'tf';
    return this.out(node, ops[node.op]!, inputs.map((v) => this.as(v, layout)), {}, layout);
  }

  private conv(node: TfNode, inputs: Value[]): Value {
    const a = node.attr ?? {};
    const depthwise = node.op.includes('Depthwise');
    const format = text(a.data_format) ?? 'NHWC';
    if (format !== 'NHWC') throw new Error(`${node.name}: data_format ${format} is not supported`);
    const [x, filterValue, ...args] = inputs;
    const filter = this.constOf(filterValue!, `filter of ${node.name}`);
    const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
    const src = filter.data as Float32Array;
    // TF [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]) to ONNX [out, in/group, kh, kw].
    const outChannels = depthwise ? cin * cout : cout;
    const weights = new Float32Array(numel(filter.shape));
    for (let y = 0; y < kh; y++) {
      for (let z = 0; z < kw; z++) {
        for (let i = 0; i < cin; i++) {
          for (let o = 0; o < cout; o++) {
            const from = ((y * kw + z) * cin + i) * cout + o;
            const to = depthwise ? (((i * cout + o) * kh + y) * kw + z) : (((o * cin + i) * kh + y) * kw + z);
            weights[to] = src[from]!;
          }
        }
      }
    }
    let bias: Float32Array | undefined;
    const fused = strings(a.fused_ops);
    let activation: string | undefined;
    let extra = 0;
    for (const op of fused) {
      if (op === 'BiasAdd') {
        bias = Float32Array.from(this.constOf(args[extra++]!, `bias of ${node.name}`).data);
      } else if (op === 'FusedBatchNorm') {
        // Folded into the weights: y = (conv - mean) * scale / sqrt(var + eps) + offset.
        const [scale, offset, mean, variance] = [0, 1, 2, 3].map((k) => this.constOf(args[extra + k]!, `batch norm of ${node.name}`).data);
        extra += 4;
        const eps = a.epsilon?.f ?? 0.001;
        const perOut = weights.length / outChannels;
        bias = new Float32Array(outChannels);
        for (let o = 0; o < outChannels; o++) {
          const k = scale![o]! / Math.sqrt(variance![o]! + eps);
          for (let j = 0; j < perOut; j++) weights[o * perOut + j]! *= k;
          bias[o] = offset![o]! - mean![o]! * k;
        }
      } else {
        activation = op;
      }
    }
    const strides = ints(a.strides);
    const dilations = ints(a.dilations);
    const attributes: Record<string, AttrValue> = {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints(strides.length === 4 ? [strides[1]!, strides[2]!] : [1, 1]),
      dilations: attr.ints(dilations.length === 4 ? [dilations[1]!, dilations[2]!] : [1, 1]),
      group: attr.int(depthwise ? cin : 1),
      ...this.padding(node),
    };
    const wName = this.constant(`${node.name}/W`, (name) => floatTensor(name, [outChannels, depthwise ? 1 : cin, kh, kw], weights));
    const convInputs = [this.as(x!, 'nchw'), wName];
    if (bias) convInputs.push(this.constant(`${node.name}/B`, (name) => floatTensor(name, [outChannels], bias!)));
    if (!activation) return this.out(node, 'Conv', convInputs, attributes, 'nchw');
    const conv = this.g.op('Conv', convInputs, attributes);
    switch (activation) {
      case 'Relu': return { name: this.g.op('Relu', [conv], {}, this.nameOf(node)), layout: 'nchw' };
      case 'Relu6': return { name: this.g.op('Clip', [conv, this.float(0), this.float(6)], {}, this.nameOf(node)), layout: 'nchw' };
      case 'Elu': return { name: this.g.op('Elu', [conv], {}, this.nameOf(node)), layout: 'nchw' };
      case 'Sigmoid': return { name: this.g.op('Sigmoid', [conv], {}, this.nameOf(node)), layout: 'nchw' };
      case 'Tanh': return { name: this.g.op('Tanh', [conv], {}, this.nameOf(node)), layout: 'nchw' };
      case 'LeakyRelu':
        return { name: this.g.op('LeakyRelu', [conv], { alpha: attr.float(a.leakyrelu_alpha?.f ?? 0.2) }, this.nameOf(node)), layout: 'nchw' };
      case 'Prelu': {
        const slope = this.as(args[extra]!, 'nchw');
        return { name: this.g.op('PRelu', [conv, slope], {}, this.nameOf(node)), layout: 'nchw' };
      }
      default:
        throw new Error(`${node.name}: fused activation ${activation} is not supported`);
    }
  }

  /** TF's SAME pads the end more than the start, which is ONNX's SAME_UPPER. */
  private padding(node: TfNode): Record<string, AttrValue> {
    const a = node.attr ?? {};
    const padding = text(a.padding) ?? 'VALID';
    if (padding === 'SAME') return { auto_pad: attr.string('SAME_UPPER') };
    if (padding === 'VALID') return { auto_pad: attr.string('VALID') };
    if (padding === 'EXPLICIT') {
      const p = ints(a.explicit_paddings); // NHWC pairs
      return { pads: attr.ints([p[2]!, p[4]!, p[3]!, p[5]!]) };
    }
    throw new Error(`${node.name}: padding ${padding} is not supported`);
  }

  private pool(node: TfNode, x: Value): Value {
    const a = node.attr ?? {};
    const k = ints(a.ksize);
    const s = ints(a.strides);
    const attributes = { kernel_shape: attr.ints([k[1]!, k[2]!]), strides: attr.ints([s[1]!, s[2]!]), ...this.padding(node) };
    return this.out(node, node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [this.as(x, 'nchw')], attributes, 'nchw');
  }

  private concat(node: TfNode, inputs: Value[]): Value {
    const axisValue = inputs.pop()!;
    let axis = this.constOf(axisValue, `axis of ${node.name}`).data[0]!;
    const parts = inputs;
    const layout: Layout = parts.some((v) => !v.constant && v.layout === 'nchw') ? 'nchw' : 'tf';
    if (layout === 'nchw') {
      if (axis < 0) axis += 4;
      axis = NCHW_POSITION[axis]!;
    }
    return this.out(node, 'Concat', parts.map((v) => this.as(v, layout)), { axis: attr.int(axis) }, layout);
  }

  private reduce(node: TfNode, inputs: Value[]): Value {
    const [x, axesValue] = inputs;
    const keep = node.attr?.keep_dims?.b ?? false;
    let axes = [...this.constOf(axesValue!, `axes of ${node.name}`).data];
    // Only a kept rank-4 result can stay NCHW; otherwise reduce in TF layout.
    const layout: Layout = keep && x!.layout === 'nchw' ? 'nchw' : 'tf';
    if (layout === 'nchw') axes = axes.map((d) => NCHW_POSITION[d < 0 ? d + 4 : d]!);
    const op = { Mean: 'ReduceMean', Sum: 'ReduceSum', Max: 'ReduceMax', Min: 'ReduceMin', Prod: 'ReduceProd' }[node.op]!;
    const keepdims = attr.int(keep ? 1 : 0);
    if (op === 'ReduceSum') return this.out(node, op, [this.as(x!, layout), this.int64(axes)], { keepdims }, layout);
    return this.out(node, op, [this.as(x!, layout)], { axes: attr.ints(axes), keepdims }, layout);
  }

  private resize(node: TfNode, inputs: Value[]): Value {
    const [x, sizeValue] = inputs;
    const a = node.attr ?? {};
    const size = [...this.constOf(sizeValue!, `size of ${node.name}`).data];
    const input = this.as(x!, 'nchw');
    // Sizes must name every axis: N and C from the input's shape, H and W from the constant.
    const shape = this.g.op('Shape', [input]);
    const nc = this.g.op('Slice', [shape, this.int64([0]), this.int64([2])]);
    const sizes = this.g.op('Concat', [nc, this.int64(size)], { axis: attr.int(0) });
    const alignCorners = a.align_corners?.b ?? false;
    const halfPixel = a.half_pixel_centers?.b ?? false;
    const bilinear = node.op === 'ResizeBilinear';
    const attributes: Record<string, AttrValue> = {
      mode: attr.string(bilinear ? 'linear' : 'nearest'),
      coordinate_transformation_mode: attr.string(alignCorners ? 'align_corners' : halfPixel ? (bilinear ? 'half_pixel' : 'tf_half_pixel_for_nn') : 'asymmetric'),
    };
    if (!bilinear) attributes.nearest_mode = attr.string(alignCorners ? 'round_prefer_ceil' : 'floor');
    return this.out(node, 'Resize', [input, '', '', sizes], attributes, 'nchw');
  }

  private split(node: TfNode, inputs: Value[]): Value[] {
    const [x, sizesValue, axisValue] = inputs;
    const sizes = [...this.constOf(sizesValue!, `size_splits of ${node.name}`).data];
    let axis = this.constOf(axisValue!, `axis of ${node.name}`).data[0]!;
    if (sizes.includes(-1)) throw new Error(`${node.name}: SplitV with an inferred size (-1) is not supported`);
    const layout: Layout = x!.layout === 'nchw' ? 'nchw' : 'tf';
    if (layout === 'nchw') axis = NCHW_POSITION[axis < 0 ? axis + 4 : axis]!;
    const names = sizes.map((_, k) => (k === 0 ? this.nameOf(node) : `${node.name}:${k}`));
    const outs = this.g.opMulti('Split', [this.as(x!, layout), this.int64(sizes)], names, { axis: attr.int(axis) });
    return outs.map((name) => ({ name, layout }));
  }

  private pad(node: TfNode, inputs: Value[]): Value {
    const [x, paddingsValue, constantValue] = inputs;
    const paddings = this.constOf(paddingsValue!, `paddings of ${node.name}`);
    const rank = paddings.shape[0]!;
    let rows = Array.from({ length: rank }, (_, d) => [paddings.data[2 * d]!, paddings.data[2 * d + 1]!] as const);
    const layout: Layout = x!.layout === 'nchw' && rank === 4 ? 'nchw' : 'tf';
    if (layout === 'nchw') rows = NHWC_TO_NCHW.map((p) => rows[p]!);
    const pads = [...rows.map((r) => r[0]), ...rows.map((r) => r[1])];
    const attributes: Record<string, AttrValue> = {};
    if (node.op === 'MirrorPad') {
      const mode = text(node.attr?.mode);
      if (mode !== 'REFLECT') throw new Error(`${node.name}: MirrorPad mode ${mode} is not supported`);
      attributes.mode = attr.string('reflect');
    }
    const padInputs = [this.as(x!, layout), this.int64(pads)];
    if (constantValue) padInputs.push(this.float(Number(this.constOf(constantValue, `value of ${node.name}`).data[0] ?? 0)));
    return this.out(node, 'Pad', padInputs, attributes, layout);
  }
}

/** Arithmetic on constants (shape computations left in some graphs), for equal shapes or a scalar operand. */
function foldBinary(node: TfNode, [x, y]: TfConst[]): TfConst {
  const fns: Record<string, (a: number, b: number) => number> = {
    Add: (a, b) => a + b, AddV2: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b,
    Maximum: Math.max, Minimum: Math.min,
  };
  const fn = fns[node.op];
  if (!fn || !x || !y || x.dtype === 'bool' || x.dtype !== y.dtype) throw new Error(`${node.name}: ${node.op} of constants cannot be folded`);
  const big = x.data.length >= y.data.length ? x : y;
  if (x.data.length !== y.data.length && Math.min(x.data.length, y.data.length) !== 1) throw new Error(`${node.name}: ${node.op} of constants needs equal shapes or a scalar`);
  const data = x.dtype === 'float32' ? new Float32Array(big.data.length) : new Int32Array(big.data.length);
  for (let i = 0; i < data.length; i++) data[i] = fn(x.data[x.data.length === 1 ? 0 : i]!, y.data[y.data.length === 1 ? 0 : i]!);
  return { dtype: x.dtype, shape: big.shape, data };
}

/** SparseToDense of constants (the converter of some models leaves such shape-building subgraphs): folded. */
function sparseToDense(node: TfNode, [indices, shape, values, fill]: TfConst[]): TfConst {
  if (!indices || !shape || !values || !fill) throw new Error(`${node.name}: SparseToDense needs four inputs`);
  const dims = [...shape.data];
  const size = numel(dims);
  const data = values.dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  data.fill(fill.data[0]!);
  const rank = dims.length;
  const count = indices.shape.length === 0 ? 1 : indices.shape[0]!;
  for (let n = 0; n < count; n++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset = offset * dims[d]! + indices.data[n * rank + d]!;
    data[offset] = values.shape.length === 0 ? values.data[0]! : values.data[n]!;
  }
  return { dtype: values.dtype === 'float32' ? 'float32' : 'int32', shape: dims, data };
}

/** The ONNX model bytes for the part of a TF.js graph that computes `outputs` from `inputs`. */
export function tfjsGraphToOnnx(model: TfGraphModel, options: ConvertOptions): Uint8Array {
  return new Converter(model).convert(options);
}

export { transposeData };
