import type { CatalogModel } from '../../../ai-provider.types';
import { floatTensor, intAttribute, intsAttribute, NodeSpec, onnxModel, tensorValueInfo } from '../onnx-proto';

/** Hand-encoded ONNX models for tests and benchmarks (nothing downloaded), through onnx-proto.ts. */

/**
 * input [1,3,H,W] → output [1,1,H,W] = mean over the colour channels (ReduceMean, opset 13 where `axes` is an
 * attribute). After the provider's normalisation and min-max scaling, the mask is the image's brightness:
 * a bright subject on a dark background comes out as a predictable cut-out.
 */
export function channelMeanModel(size: number): Buffer {
  return onnxModel(
    {
      name: 'channel-mean',
      nodes: [{ op: 'ReduceMean', inputs: ['input'], outputs: ['mask'], attributes: [intsAttribute('axes', [1]), intAttribute('keepdims', 1)] }],
      inputs: [tensorValueInfo('input', [1, 3, size, size])],
      outputs: [tensorValueInfo('mask', [1, 1, size, size])],
    },
    13,
  );
}


/**
 * Two outputs, to test the profile's output index: output 0 is the negated channel mean (a wrong mask),
 * output 1 the channel mean. Uses a 1×1 Conv with fixed weights so initializers are exercised too.
 */
export function twoOutputModel(size: number): Buffer {
  const third = 1 / 3;
  return onnxModel(
    {
      name: 'two-outputs',
      nodes: [
        { op: 'Conv', inputs: ['input', 'w_neg'], outputs: ['negated'] },
        { op: 'Conv', inputs: ['input', 'w_pos'], outputs: ['mask'] },
      ],
      initializers: [floatTensor('w_neg', [1, 3, 1, 1], [-third, -third, -third]), floatTensor('w_pos', [1, 3, 1, 1], [third, third, third])],
      inputs: [tensorValueInfo('input', [1, 3, size, size])],
      outputs: [tensorValueInfo('negated', [1, 1, size, size]), tensorValueInfo('mask', [1, 1, size, size])],
    },
    13,
  );
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
    return floatTensor(name, [out, inp, k, k], values);
  };
  const same3x3 = [intsAttribute('pads', [1, 1, 1, 1])];
  const nodes: NodeSpec[] = [{ op: 'Conv', inputs: ['input', 'w_in'], outputs: ['h0'], attributes: same3x3 }];
  const inits: Buffer[] = [weights('w_in', channels, 3, 3)];
  for (let l = 1; l <= layers; l++) {
    nodes.push({ op: 'Conv', inputs: [`h${l - 1}`, `w${l}`], outputs: [`c${l}`], attributes: same3x3 });
    nodes.push({ op: 'Relu', inputs: [`c${l}`], outputs: [`h${l}`] });
    inits.push(weights(`w${l}`, channels, channels, 3));
  }
  nodes.push({ op: 'Conv', inputs: [`h${layers}`, 'w_out'], outputs: ['mask'] });
  inits.push(weights('w_out', 1, channels, 1));
  return onnxModel(
    {
      name: 'conv-stack',
      nodes,
      initializers: inits,
      inputs: [tensorValueInfo('input', [1, 3, size, size])],
      outputs: [tensorValueInfo('mask', [1, 1, size, size])],
    },
    13,
  );
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
