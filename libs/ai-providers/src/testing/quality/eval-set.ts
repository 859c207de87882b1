import { sharp } from '../../../../images/src/sharp-instance';
import { mulberry32 } from '../test-scenes';
import { EVAL_BACKGROUNDS, EvalBackground, renderBackground } from './eval-backgrounds';
import { EVAL_SUBJECT_KINDS, EvalSubjectKind, loadSubject } from './eval-subjects';

/** One evaluation image: a subject composited onto a background, with its exact alpha. */
export interface EvalCase {
  name: string;
  subject: EvalSubjectKind;
  background: EvalBackground;
  image: Buffer;
  width: number;
  height: number;
  /** Ground-truth alpha (0–255) per pixel: the subject's own alpha where it was placed. */
  truth: Uint8Array;
}

/** Variants per subject kind × background (different subject, placement, colours). */
export const VARIANTS_PER_CELL = 3;

/**
 * The whole evaluation set, generated deterministically (same bytes every run): every subject kind on every
 * background kind, VARIANTS_PER_CELL times.
 */
export async function buildEvalSet(variants = VARIANTS_PER_CELL): Promise<EvalCase[]> {
  const cases: EvalCase[] = [];
  for (const subject of EVAL_SUBJECT_KINDS) {
    for (const background of EVAL_BACKGROUNDS) {
      for (let v = 0; v < variants; v++) cases.push(await buildCase(subject, background, v));
    }
  }
  return cases;
}

export async function buildCase(
  subject: EvalSubjectKind,
  background: EvalBackground,
  variant: number,
): Promise<EvalCase> {
  const seed = 1 + variant * 31 + EVAL_SUBJECT_KINDS.indexOf(subject) * 7 + EVAL_BACKGROUNDS.indexOf(background) * 3;
  const rand = mulberry32(seed);
  // People in portrait frames, products in landscape ones.
  const [width, height] = subject === 'object' ? [640, 480] : [480, 600];
  const bg = renderBackground(background, width, height, seed);
  const anchoredBottom = subject !== 'object';
  const scale = anchoredBottom ? 0.75 + rand() * 0.2 : 0.45 + rand() * 0.25;
  const fg = await loadSubject(subject, variant, Math.round(width * scale * 1.1), Math.round(height * scale));
  const flip = rand() < 0.5;
  const left = Math.round((width - fg.width) / 2 + (rand() - 0.5) * 0.2 * width);
  const top = anchoredBottom ? height - fg.height : Math.round((height - fg.height) * (0.3 + rand() * 0.4));

  const rgba = Buffer.alloc(width * height * 4);
  const truth = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const sx = flip ? fg.width - 1 - (x - left) : x - left;
      const sy = y - top;
      const inside = sx >= 0 && sy >= 0 && sx < fg.width && sy < fg.height;
      const p = (sy * fg.width + sx) * 4;
      const a = inside ? fg.data[p + 3]! : 0;
      truth[i] = a;
      for (let c = 0; c < 3; c++) {
        const noise = (rand() + rand() + rand() - 1.5) * 4; // sensor noise, ~N(0, 2.3)
        const value = ((inside ? fg.data[p + c]! : 0) * a + bg[i * 3 + c]! * (255 - a)) / 255 + noise;
        rgba[i * 4 + c] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
      }
      rgba[i * 4 + 3] = 255;
    }
  }
  // JPEG, as most uploads are (the images service encodes only our output formats).
  const image = await sharp(rgba, { raw: { width, height, channels: 4 } }).removeAlpha().jpeg({ quality: 90 }).toBuffer();
  return { name: `${subject}/${background}/${variant}`, subject, background, image, width, height, truth };
}

/** IoU of the masks at alpha ≥ 128 and mean absolute alpha error (0–1). */
export function scoreMask(mask: Uint8Array, truth: Uint8Array): { iou: number; mae: number } {
  if (mask.length !== truth.length) throw new Error(`mask has ${mask.length} pixels, truth ${truth.length}`);
  let inter = 0;
  let union = 0;
  let err = 0;
  for (let i = 0; i < mask.length; i++) {
    const a = mask[i]! >= 128;
    const b = truth[i]! >= 128;
    if (a && b) inter++;
    if (a || b) union++;
    err += Math.abs(mask[i]! - truth[i]!);
  }
  return { iou: union === 0 ? 1 : inter / union, mae: err / (255 * mask.length) };
}
