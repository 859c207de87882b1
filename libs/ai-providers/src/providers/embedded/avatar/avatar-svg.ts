import { createAvatar } from '@dicebear/core';
import { lorelei } from '@dicebear/collection';
import type { AvatarDesign } from './avatar-design';

/**
 * DiceBear "Lorelei" by Lisa Wischofsky, licensed CC0 1.0 (public domain: commercial use, no attribution needed);
 * DiceBear's code is MIT. Styles under CC BY 4.0 (adventurer, micah, personas, …) would need attribution in the
 * product, so they are not used. `AVATAR_STYLE_LICENCE` lets a test pin this.
 */
export const AVATAR_STYLE = lorelei;
export const AVATAR_STYLE_LICENCE = 'CC0 1.0';

const HAPPY = ['happy01', 'happy02', 'happy03', 'happy04', 'happy05', 'happy06', 'happy07', 'happy08'] as const;
const SAD = ['sad01', 'sad02', 'sad03', 'sad04'] as const;

/**
 * A portrait composition of our own around the DiceBear head: gradient backdrop, soft halo, the avatar large and
 * anchored to the bottom edge (head-and-shoulders framing) at any aspect ratio. Trusted SVG: every value in it
 * comes from fixed palettes or hex digests, never from the prompt text.
 */
export function avatarSvg(design: AvatarDesign, width: number, height: number): string {
  const avatar = avatarHeadSvg(design);
  // Large enough to fill a portrait frame (a little horizontal crop is fine); the neck runs off the bottom edge.
  const side = Math.round(Math.min(width * 1.1, height * 0.95));
  const x = Math.round((width - side) / 2);
  const y = height - Math.round(side * 0.94);
  const haloR = Math.round(side * 0.36);
  const haloCy = y + Math.round(side * 0.42);
  // Nest DiceBear's <svg viewBox> as a positioned child: it scales into the given box.
  const placed = avatar.replace(/^<svg /, `<svg x="${x}" y="${y}" width="${side}" height="${side}" `);
  const { from, to, halo } = design.backdrop;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs>',
    `<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#${from}"/><stop offset="1" stop-color="#${to}"/></linearGradient>`,
    `<radialGradient id="halo"><stop offset="0" stop-color="#${halo}" stop-opacity="0.85"/><stop offset="1" stop-color="#${halo}" stop-opacity="0"/></radialGradient>`,
    '</defs>',
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
    `<circle cx="${width / 2}" cy="${haloCy}" r="${haloR * 1.5}" fill="url(#halo)"/>`,
    placed,
    '</svg>',
  ].join('');
}

/** The DiceBear head alone (transparent around it, square viewBox): the artwork avatarSvg() places. */
export function avatarHeadSvg(design: AvatarDesign): string {
  return createAvatar(AVATAR_STYLE, {
    seed: design.seed,
    flip: design.flip,
    skinColor: [design.skinColor],
    hairColor: [design.hairColor],
    glassesProbability: design.glassesProbability,
    beardProbability: design.beardProbability,
    frecklesProbability: design.frecklesProbability,
    earringsProbability: design.earringsProbability,
    mouth: [...(design.mood === 'happy' ? HAPPY : SAD)],
  }).toString();
}
