import type { Segmentation } from '../background/subject-segmentation';
import type { PersonAssessment } from './person-decision';

/** Classical and person masks this alike describe the same subject; the classical one has the sharper edge. */
export const AGREEMENT_IOU = 0.85;

export type MaskChoice = 'person' | 'classical' | 'opaque';

/**
 * Which mask the embedded remover returns:
 * - no confident person → the classical result (or fully opaque when there is no plain background);
 * - a confident person and a classical subject that agrees with it (plain/studio backdrop) → classical: exact
 *   edges at analysis resolution, and it keeps what the person holds;
 * - a confident person otherwise (busy background, or the classical cut disagrees) → the person mask.
 */
export function chooseMask(
  person: PersonAssessment | undefined,
  classical: Segmentation | undefined,
  personBinary: Uint8Array | undefined,
): MaskChoice {
  if (!person?.confident || !personBinary) return classical ? 'classical' : 'opaque';
  if (classical && binaryIou(classical.subject, personBinary) >= AGREEMENT_IOU) return 'classical';
  return 'person';
}

/** IoU of two 0/1 masks of the same size (nonzero = inside). */
export function binaryIou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}
