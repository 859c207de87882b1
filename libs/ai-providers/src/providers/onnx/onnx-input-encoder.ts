import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { DecodedImage } from '@app/images';
import type { OnnxProfile } from './onnx-profiles';
import { ELEM, floatTensor, int64Tensor, intAttribute, intsAttribute, onnxModel, stringAttribute, tensorValueInfo } from './onnx-proto';
import { OnnxSessionCache } from './onnx-session-cache';
import { SMALL_GRAPH_SESSION_OPTIONS } from './onnx-session-options';

/**
 * Decoded pixels → a model's input, in ONNX Runtime: the profile's channels in its order as float32 planes, a bilinear
 * resize to its square in float (half-pixel centres, no antialiasing: torch's `interpolate`, as in the models'
 * reference code), then (x/255 − mean)/std. On a 1152×864 photo this costs 10–15 ms of CPU against ≈ 30 for libvips'
 * resize plus the conversion in JavaScript — CPU the model, running beside it on the same cores, lacks.
 *
 * One small session per profile shape (SMALL_GRAPH_SESSION_OPTIONS). The output is written into `out`.
 */
export class OnnxInputEncoder {
  /** Keyed by the graph's parameters (InputGraphParams as JSON), from which the loader builds it. */
  private readonly sessions = new OnnxSessionCache((key) => InferenceSession.create(inputGraph(JSON.parse(key) as InputGraphParams), SMALL_GRAPH_SESSION_OPTIONS));

  async encode(image: DecodedImage, profile: OnnxProfile, out: Float32Array): Promise<Float32Array> {
    const { name, inputWidth, inputHeight, mean, std, channelOrder } = profile;
    const params: InputGraphParams = { name, inputWidth, inputHeight, mean, std, channelOrder };
    const session = await this.sessions.get(JSON.stringify(params));
    const pixels = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    await session.run(
      { image: new Tensor('uint8', pixels, [1, image.height, image.width, image.channels]) },
      { input: new Tensor('float32', out, [1, 3, inputHeight, inputWidth]) },
    );
    return out;
  }

  release(): Promise<void> {
    return this.sessions.releaseAll();
  }
}

/** What the input graph depends on. */
type InputGraphParams = Pick<OnnxProfile, 'name' | 'inputWidth' | 'inputHeight' | 'mean' | 'std' | 'channelOrder'>;

/** image uint8 [1,H,W,C] (C = 3 or 4, RGB first) → input float [1,3,h,w] in the profile's channel order. */
export function inputGraph(profile: InputGraphParams): Buffer {
  const order = profile.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const scale = order.map((_, c) => 1 / (255 * profile.std[c]!));
  const offset = order.map((_, c) => -profile.mean[c]! / profile.std[c]!);
  const { inputWidth: w, inputHeight: h } = profile;
  return onnxModel(
    {
      name: `input-${profile.name}`,
      nodes: [
        // Planes first: picking channels (dropping an alpha, reordering) is then a copy of whole planes.
        { op: 'Transpose', inputs: ['image'], outputs: ['planes'], attributes: [intsAttribute('perm', [0, 3, 1, 2])] },
        { op: 'Gather', inputs: ['planes', 'channels'], outputs: ['rgb'], attributes: [intAttribute('axis', 1)] },
        { op: 'Cast', inputs: ['rgb'], outputs: ['wide'], attributes: [intAttribute('to', ELEM.float)] },
        { op: 'Resize', inputs: ['wide', '', '', 'sizes'], outputs: ['resized'], attributes: [stringAttribute('mode', 'linear'), stringAttribute('coordinate_transformation_mode', 'half_pixel')] },
        { op: 'Mul', inputs: ['resized', 'scale'], outputs: ['scaled'] },
        { op: 'Add', inputs: ['scaled', 'offset'], outputs: ['input'] },
      ],
      initializers: [
        int64Tensor('channels', [3], order),
        int64Tensor('sizes', [4], [1, 3, h, w]),
        floatTensor('scale', [1, 3, 1, 1], scale),
        floatTensor('offset', [1, 3, 1, 1], offset),
      ],
      inputs: [tensorValueInfo('image', [1, 'height', 'width', 'channels'], ELEM.uint8)],
      outputs: [tensorValueInfo('input', [1, 3, h, w])],
    },
    13,
  );
}
