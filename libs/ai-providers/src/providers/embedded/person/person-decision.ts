import type { PersonProbability } from './selfie-segmenter';

/**
 * When the person model's output is trusted over the classical remover. Measured on the model's 256² grid:
 * - area: share of the frame the model calls person (p ≥ 0.5). A portrait or selfie fills a good part of it;
 *   a few per cent is a false alarm on texture or a person too small for a 256² model to outline.
 * - certainty: of those pixels, the share with p ≥ 0.9. On real people the model is decisive; on cartoons,
 *   texture or objects it produces large grey regions.
 * - inner share: of those pixels, the share away from the image border. Spurious detections hug the edges;
 *   a real subject (even one cut by the bottom edge) has most of its area inside.
 */
export interface PersonRule {
  minArea: number;
  minCertainty: number;
  minInnerShare: number;
  /** Width of the border ring, as a share of the side. */
  borderRing: number;
}

export const PERSON_RULE: Readonly<PersonRule> = {
  minArea: 0.03,
  minCertainty: 0.75,
  minInnerShare: 0.6,
  borderRing: 0.06,
};

export interface PersonAssessment {
  area: number;
  certainty: number;
  innerShare: number;
  confident: boolean;
}

export function assessPerson(prob: PersonProbability, rule: Readonly<PersonRule> = PERSON_RULE): PersonAssessment {
  const { data, size } = prob;
  const ring = Math.max(1, Math.round(size * rule.borderRing));
  let person = 0;
  let sure = 0;
  let inner = 0;
  for (let y = 0; y < size; y++) {
    const edgeRow = y < ring || y >= size - ring;
    for (let x = 0; x < size; x++) {
      const p = data[y * size + x]!;
      if (p < 0.5) continue;
      person++;
      if (p >= 0.9) sure++;
      if (!edgeRow && x >= ring && x < size - ring) inner++;
    }
  }
  const area = person / (size * size);
  const certainty = person ? sure / person : 0;
  const innerShare = person ? inner / person : 0;
  const confident = area >= rule.minArea && certainty >= rule.minCertainty && innerShare >= rule.minInnerShare;
  return { area, certainty, innerShare, confident };
}
