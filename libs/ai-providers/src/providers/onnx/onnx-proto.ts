/**
 * A minimal ONNX ModelProto encoder (no protobuf library): the wire format is plain protobuf, and the small graphs
 * this codebase builds (the model input encoding, the mask decoding, the tests' and benches' models) need only
 * varints, fixed32 floats and length-delimited fields. Field numbers are from onnx/onnx.proto3.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** TensorProto.DataType values used here. */
export const ELEM = { float: 1, uint8: 2, int64: 7 } as const;
const ATTR = { float: 1, int: 2, string: 3, ints: 7 } as const;

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

/** ValueInfoProto for a tensor; a string dim is symbolic (dim_param), a number is fixed (dim_value). */
export function tensorValueInfo(name: string, dims: Array<number | string>, elem: number = ELEM.float): Buffer {
  const shape = Buffer.concat(dims.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : bytesField(2, d))));
  const tensorType = Buffer.concat([intField(1, elem), bytesField(2, shape)]);
  return Buffer.concat([bytesField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

export function intAttribute(name: string, value: number): Buffer {
  return Buffer.concat([bytesField(1, name), intField(3, value), intField(20, ATTR.int)]);
}

export function intsAttribute(name: string, values: number[]): Buffer {
  return Buffer.concat([bytesField(1, name), ...values.map((v) => intField(8, v)), intField(20, ATTR.ints)]);
}

export function stringAttribute(name: string, value: string): Buffer {
  return Buffer.concat([bytesField(1, name), bytesField(4, value), intField(20, ATTR.string)]);
}

export function floatTensor(name: string, dims: number[], values: number[]): Buffer {
  return Buffer.concat([...dims.map((d) => intField(1, d)), intField(2, ELEM.float), ...values.map((v) => floatField(4, v)), bytesField(8, name)]);
}

export function int64Tensor(name: string, dims: number[], values: number[]): Buffer {
  return Buffer.concat([...dims.map((d) => intField(1, d)), intField(2, ELEM.int64), ...values.map((v) => intField(7, v)), bytesField(8, name)]);
}

export interface NodeSpec {
  op: string;
  /** '' for an optional input left out. */
  inputs: string[];
  outputs: string[];
  attributes?: Buffer[];
}

export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  initializers?: Buffer[];
  inputs: Buffer[];
  outputs: Buffer[];
}

function node(spec: NodeSpec): Buffer {
  return Buffer.concat([
    ...spec.inputs.map((i) => bytesField(1, i)),
    ...spec.outputs.map((o) => bytesField(2, o)),
    bytesField(4, spec.op),
    ...(spec.attributes ?? []).map((a) => bytesField(5, a)),
  ]);
}

/** A serialised ModelProto (IR version 8, the default opset domain at `opset`), ready for InferenceSession.create. */
export function onnxModel(graph: GraphSpec, opset: number): Buffer {
  const body = Buffer.concat([
    ...graph.nodes.map((n) => bytesField(1, node(n))),
    bytesField(2, graph.name),
    ...(graph.initializers ?? []).map((t) => bytesField(5, t)),
    ...graph.inputs.map((i) => bytesField(11, i)),
    ...graph.outputs.map((o) => bytesField(12, o)),
  ]);
  return Buffer.concat([intField(1, 8), bytesField(2, 'lumiku'), bytesField(7, body), bytesField(8, Buffer.concat([bytesField(1, ''), intField(2, opset)]))]);
}
