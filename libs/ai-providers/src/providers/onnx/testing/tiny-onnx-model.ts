import type { CatalogModel } from '../../../ai-provider.types';
/**
 * Hand-encoded ONNX models for tests (nothing downloaded, no protobuf library): the ONNX ModelProto wire format
 * is plain protobuf, and a one-node graph needs only varints, fixed32 floats and length-delimited fields.
 * Field numbers are from onnx/onnx.proto3.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;
const ELEM_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // int64 two's complement, as protobuf encodes negative int64
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}

function tag(field: number, wire: number): Buffer {
  return varint((field << 3) | wire);
}

function intField(field: number, value: number): Buffer {
  return Buffer.concat([tag(field, WIRE_VARINT), varint(value)]);
}

function bytesField(field: number, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([tag(field, WIRE_LEN), varint(data.length), data]);
}

function floatField(field: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([tag(field, WIRE_FIXED32), b]);
}

/** ValueInfoProto for a float tensor; a string dim is symbolic (dim_param), a number is fixed (dim_value). */
function tensorValueInfo(name: string, dims: Array<number | string>): Buffer {
  const shape = Buffer.concat(
    dims.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : bytesField(2, d))),
  );
  const tensorType = Buffer.concat([intField(1, ELEM_FLOAT), bytesField(2, shape)]);
  return Buffer.concat([bytesField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

function intsAttribute(name: string, values: number[]): Buffer {
  return Buffer.concat([bytesField(1, name), ...values.map((v) => intField(8, v)), intField(20, ATTR_INTS)]);
}

function intAttribute(name: string, value: number): Buffer {
  return Buffer.concat([bytesField(1, name), intField(3, value), intField(20, ATTR_INT)]);
}

function floatTensor(name: string, dims: number[], values: number[]): Buffer {
  return Buffer.concat([
    ...dims.map((d) => intField(1, d)),
    intField(2, ELEM_FLOAT),
    ...values.map((v) => floatField(4, v)),
    bytesField(8, name),
  ]);
}

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Buffer[];
}

function node(spec: NodeSpec): Buffer {
  return Buffer.concat([
    ...spec.inputs.map((i) => bytesField(1, i)),
    ...spec.outputs.map((o) => bytesField(2, o)),
    bytesField(4, spec.op),
    ...(spec.attributes ?? []).map((a) => bytesField(5, a)),
  ]);
}

function model(graph: Buffer, opset: number): Buffer {
  return Buffer.concat([
    intField(1, 8), // ir_version 8
    bytesField(2, 'lumiku-tests'),
    bytesField(7, graph),
    bytesField(8, Buffer.concat([bytesField(1, ''), intField(2, opset)])),
  ]);
}

/**
 * input [1,3,H,W] → output [1,1,H,W] = mean over the colour channels (ReduceMean, opset 13 where `axes` is an
 * attribute). After the provider's normalisation and min-max scaling, the mask is the image's brightness:
 * a bright subject on a dark background comes out as a predictable cut-out.
 */
export function channelMeanModel(size: number): Buffer {
  const graph = Buffer.concat([
    bytesField(1, node({ op: 'ReduceMean', inputs: ['input'], outputs: ['mask'], attributes: [intsAttribute('axes', [1]), intAttribute('keepdims', 1)] })),
    bytesField(2, 'channel-mean'),
    bytesField(11, tensorValueInfo('input', [1, 3, size, size])),
    bytesField(12, tensorValueInfo('mask', [1, 1, size, size])),
  ]);
  return model(graph, 13);
}


/**
 * Two outputs, to test the profile's output index: output 0 is the negated channel mean (a wrong mask),
 * output 1 the channel mean. Uses a 1×1 Conv with fixed weights so initializers are exercised too.
 */
export function twoOutputModel(size: number): Buffer {
  const third = 1 / 3;
  const graph = Buffer.concat([
    bytesField(1, node({ op: 'Conv', inputs: ['input', 'w_neg'], outputs: ['negated'] })),
    bytesField(1, node({ op: 'Conv', inputs: ['input', 'w_pos'], outputs: ['mask'] })),
    bytesField(2, 'two-outputs'),
    bytesField(5, floatTensor('w_neg', [1, 3, 1, 1], [-third, -third, -third])),
    bytesField(5, floatTensor('w_pos', [1, 3, 1, 1], [third, third, third])),
    bytesField(11, tensorValueInfo('input', [1, 3, size, size])),
    bytesField(12, tensorValueInfo('negated', [1, 1, size, size])),
    bytesField(12, tensorValueInfo('mask', [1, 1, size, size])),
  ]);
  return model(graph, 13);
}

/** Deterministic pseudo-random in [-1, 1) (a 32-bit integer hash of n). */
function uniform(n: number): number {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 31 - 1;
}

/**
 * A model-shaped load for benchmarks (bench/model-pipeline.js): input [1,3,S,S] → Conv 3→C (3×3) → `layers` ×
 * (Conv C→C 3×3, Relu) → Conv C→1 (1×1) → [1,1,S,S]. Deterministic pseudo-random weights scaled so activations
 * neither vanish nor blow up at any depth (no denormals slowing the run, and the output is a real varying map that
 * goes through the provider's min-max post-processing like a segmentation model's). What matters is its CPU time
 * per run: the bench calibrates `layers` to that of a real 1024² segmentation model here (≈ 1–2 s on 2 cores).
 */
export function convStackModel(size: number, channels: number, layers: number): Buffer {
  let seed = 1;
  const weights = (name: string, out: number, inp: number, k: number) => {
    const fanIn = inp * k * k;
    const gain = Math.sqrt(6 / fanIn); // He initialisation: activations keep their scale through the ReLUs
    const values = Array.from({ length: out * fanIn }, () => uniform(seed++) * gain);
    return bytesField(5, floatTensor(name, [out, inp, k, k], values));
  };
  const same3x3 = [intsAttribute('pads', [1, 1, 1, 1])];
  const nodes: Buffer[] = [bytesField(1, node({ op: 'Conv', inputs: ['input', 'w_in'], outputs: ['h0'], attributes: same3x3 }))];
  const inits: Buffer[] = [weights('w_in', channels, 3, 3)];
  for (let l = 1; l <= layers; l++) {
    nodes.push(bytesField(1, node({ op: 'Conv', inputs: [`h${l - 1}`, `w${l}`], outputs: [`c${l}`], attributes: same3x3 })));
    nodes.push(bytesField(1, node({ op: 'Relu', inputs: [`c${l}`], outputs: [`h${l}`] })));
    inits.push(weights(`w${l}`, channels, channels, 3));
  }
  nodes.push(bytesField(1, node({ op: 'Conv', inputs: [`h${layers}`, 'w_out'], outputs: ['mask'] })));
  inits.push(weights('w_out', 1, channels, 1));
  const graph = Buffer.concat([
    ...nodes,
    bytesField(2, 'conv-stack'),
    ...inits,
    bytesField(11, tensorValueInfo('input', [1, 3, size, size])),
    bytesField(12, tensorValueInfo('mask', [1, 1, size, size])),
  ]);
  return model(graph, 13);
}

/** A background-remover catalogue row served by the ONNX provider from `providerModel` (a file in MODELS_DIR). */
export const onnxCatalogRow = (providerModel: string, capabilities: Record<string, unknown>): CatalogModel => ({
  modelKey: `background-remover:${providerModel}`,
  appId: 'background-remover',
  provider: 'onnx',
  providerModel,
  capabilities,
  maxResolution: 2048,
});
