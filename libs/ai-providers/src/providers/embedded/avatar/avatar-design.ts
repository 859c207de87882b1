import { createHash } from 'node:crypto';

/**
 * Everything that varies between avatars, derived deterministically from the prompt and seed: the same request
 * always gives the same picture, a different seed a different one. Words in the prompt steer a few traits
 * (hair colour, glasses, beard, freckles, mood) so the result visibly relates to what was asked.
 */
export interface AvatarDesign {
  /** Seed for DiceBear's own PRNG (hair style, eyes, nose, … variants). */
  seed: string;
  flip: boolean;
  skinColor: string;
  hairColor: string;
  glassesProbability: number;
  beardProbability: number;
  frecklesProbability: number;
  earringsProbability: number;
  mood: 'happy' | 'sad';
  /** Backdrop: gradient from → to (top-left to bottom-right), and a soft halo behind the head. */
  backdrop: { from: string; to: string; halo: string };
}

const SKIN = ['f9dcc4', 'f2c9a1', 'e0ac69', 'c68642', '8d5524', 'ffe0bd', 'd1a17a', 'a0663c'];
const HAIR = ['2c1b10', '4a2c17', '6b4226', 'a0522d', 'd6b370', '1c1c1c', '8c8c8c', 'b5651d'];
const BACKDROPS: AvatarDesign['backdrop'][] = [
  { from: 'fde2e4', to: 'cddafd', halo: 'ffffff' },
  { from: 'e2ece9', to: 'bee1e6', halo: 'f0efeb' },
  { from: 'fff1e6', to: 'f0c6b5', halo: 'fefae0' },
  { from: 'dfe7fd', to: 'c1d3fe', halo: 'edf2fb' },
  { from: 'e9f5db', to: 'b5c99a', halo: 'f6fff8' },
  { from: 'f8edeb', to: 'd8e2dc', halo: 'ffffff' },
  { from: 'ede7f6', to: 'b8c0ff', halo: 'f8f7ff' },
  { from: 'fef9ef', to: 'fec89a', halo: 'fff8f0' },
];

/** Prompt words → hair colour (first match wins). */
const HAIR_WORDS: Array<[RegExp, string]> = [
  [/\b(blond|blonde|golden)\b/, 'e6c36a'],
  [/\b(red|ginger|auburn|copper)[- ]?hair/, 'a5432a'],
  [/\b(ginger|redhead)\b/, 'a5432a'],
  [/\b(black)[- ]?hair/, '1c1c1c'],
  [/\b(brown|brunette)\b/, '5a3825'],
  [/\b(grey|gray|silver|white)[- ]?hair/, 'c9c9c9'],
  [/\b(pink)[- ]?hair/, 'f4a6c1'],
  [/\b(blue)[- ]?hair/, '4a78c2'],
  [/\b(purple|violet)[- ]?hair/, '8e5cc2'],
  [/\b(green)[- ]?hair/, '4f9d69'],
];

export function designAvatar(prompt: string, seed: number | undefined): AvatarDesign {
  const digest = createHash('sha256').update(`${prompt}\u0000${seed ?? ''}`).digest();
  const pick = <T>(list: readonly T[], byte: number): T => list[digest[byte]! % list.length]!;
  const text = prompt.toLowerCase();
  const has = (re: RegExp) => re.test(text);
  return {
    seed: digest.toString('hex').slice(0, 32),
    flip: (digest[0]! & 1) === 1,
    skinColor: pick(SKIN, 1),
    hairColor: HAIR_WORDS.find(([re]) => has(re))?.[1] ?? pick(HAIR, 2),
    glassesProbability: has(/\b(glasses|spectacles|nerd)\b/) ? 100 : 10,
    beardProbability: has(/\b(beard|bearded)\b/) ? 100 : has(/\b(woman|girl|lady|female)\b/) ? 0 : 8,
    frecklesProbability: has(/\bfreckle/) ? 100 : 10,
    earringsProbability: has(/\bearring/) ? 100 : 15,
    mood: has(/\b(sad|serious|gloomy|melancholic|frown)/) ? 'sad' : 'happy',
    backdrop: pick(BACKDROPS, 3),
  };
}
