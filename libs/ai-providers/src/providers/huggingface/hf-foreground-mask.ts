import { ProviderError } from '../../ai-provider.types';

export interface Segment {
  label: string;
  /** Base64-encoded mask image (PNG from the reference handlers). */
  mask: string;
  score?: number;
}

/** Which segment is the subject, and whether its mask must be inverted (it was the background's). */
export interface ForegroundChoice {
  segment: Segment;
  invert: boolean;
}

const FOREGROUND = /foreground|subject|salient|person|object|^fg$/i;
const BACKGROUND = /background|^bg$/i;

/**
 * Background-removal endpoints usually answer one segment (the subject). When there are several: a segment
 * labelled as foreground wins; else the inverse of a segment labelled background; else the best-scored one.
 */
export function pickForeground(segments: Segment[]): ForegroundChoice {
  if (segments.length === 0) throw new ProviderError('Hugging Face returned no segmentation mask', false);
  if (segments.length === 1) return { segment: segments[0]!, invert: BACKGROUND.test(segments[0]!.label) };
  const fg = segments.find((s) => FOREGROUND.test(s.label));
  if (fg) return { segment: fg, invert: false };
  const bg = segments.find((s) => BACKGROUND.test(s.label));
  if (bg) return { segment: bg, invert: true };
  const best = segments.reduce((a, b) => ((b.score ?? 0) > (a.score ?? 0) ? b : a));
  return { segment: best, invert: false };
}

/** Strict base64 (optionally a data: URL): Buffer.from(…, 'base64') silently skips junk, so check first. */
export function decodeBase64Mask(value: string): Buffer {
  const payload = value.startsWith('data:') ? value.slice(value.indexOf(',') + 1) : value;
  const compact = payload.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new ProviderError('Hugging Face returned a mask that is not base64', false);
  }
  return Buffer.from(compact, 'base64');
}
