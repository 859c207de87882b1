import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../../../images/src/sharp-instance';
import { designAvatar } from '../../providers/embedded/avatar/avatar-design';
import { avatarHeadSvg } from '../../providers/embedded/avatar/avatar-svg';

/** What is cut out: real people, the project's own cartoon avatars, and products. */
export type EvalSubjectKind = 'person-photo' | 'avatar' | 'object';
export const EVAL_SUBJECT_KINDS: EvalSubjectKind[] = ['person-photo', 'avatar', 'object'];

/** Straight (not premultiplied) RGBA; alpha is the exact ground truth of anything composited from it. */
export interface RgbaSubject {
  data: Buffer;
  width: number;
  height: number;
}

/** Committed person cut-outs (public domain; see bench/quality/SOURCES.md). */
export const PERSON_CUTOUTS = ['person-astronaut.png', 'person-hopper.png'];
const SUBJECT_DIR = join(__dirname, '../../../../../bench/quality/subjects');

/**
 * The `index`-th subject of a kind, rendered to fit width×height (aspect kept). People and avatars are
 * head-and-shoulders crops, so the caller anchors them to the bottom edge; objects float.
 */
export async function loadSubject(kind: EvalSubjectKind, index: number, width: number, height: number): Promise<RgbaSubject> {
  let source: Buffer;
  if (kind === 'person-photo') {
    source = await readFile(join(SUBJECT_DIR, PERSON_CUTOUTS[index % PERSON_CUTOUTS.length]!));
  } else if (kind === 'avatar') {
    const svg = avatarHeadSvg(designAvatar(`evaluation avatar ${index}`, index));
    source = Buffer.from(svg.replace(/^<svg /, '<svg width="1024" height="1024" '));
  } else {
    source = Buffer.from(objectSvg(index));
  }
  const { data, info } = await sharp(source)
    .resize(width, height, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Product shots: shaded shapes with gradients and a printed label (our own SVG, no external art). */
function objectSvg(index: number): string {
  const hue = (index * 97) % 360;
  const body = `hsl(${hue},60%,45%)`;
  const light = `hsl(${hue},70%,70%)`;
  const defs = `<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="${light}"/><stop offset="0.5" stop-color="${body}"/><stop offset="1" stop-color="#222"/></linearGradient></defs>`;
  const shapes = [
    // Bottle: neck, shoulders, body, label.
    `<rect x="440" y="40" width="144" height="220" rx="20" fill="url(#g)"/><rect x="300" y="220" width="424" height="760" rx="90" fill="url(#g)"/><rect x="300" y="480" width="424" height="220" fill="#f4efe6"/><text x="512" y="610" font-size="90" text-anchor="middle" fill="#333">LUMI</text>`,
    // Mug: body and handle ring.
    `<path d="M740 360 a170 170 0 1 1 0 360 v-80 a90 90 0 1 0 0 -200 z" fill="${body}"/><rect x="180" y="260" width="580" height="660" rx="60" fill="url(#g)"/><ellipse cx="470" cy="270" rx="290" ry="50" fill="#3a2a1a"/>`,
    // Product box with a disc on top (like the API tests' product photo).
    `<circle cx="512" cy="330" r="260" fill="url(#g)"/><rect x="250" y="480" width="524" height="480" fill="#2c3e50"/><rect x="290" y="540" width="444" height="80" fill="${light}"/>`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024" viewBox="0 0 1024 1024">${defs}${shapes[index % shapes.length]}</svg>`;
}
