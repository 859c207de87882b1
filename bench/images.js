'use strict';
// Benchmark inputs, generated (nothing downloaded): product photos on a studio background, or noisy large images.
const sharp = require('sharp');

function productPhoto(width, height, seed) {
  const r = Math.round(Math.min(width, height) * 0.28);
  const hue = (seed * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f4f4f2"/>
    <circle cx="${width / 2}" cy="${height / 2 - r / 3}" r="${r}" fill="hsl(${hue},60%,45%)"/>
    <rect x="${width / 2 - r / 2}" y="${height / 2}" width="${r}" height="${r}" fill="#2c3e50"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/**
 * The product photo with a camera's texture: a gentle light falloff and grain (deterministic per seed), as JPEG q90.
 * Photos compress far less than flat renders, so decoding and above all the PNG encode cost what they do on real
 * uploads (a flat render's PNG encodes ~10× faster).
 */
async function texturedPhoto(width, height, seed) {
  const { data, info } = await sharp(await productPhoto(width, height, seed)).raw().toBuffer({ resolveWithObject: true });
  let state = (seed + 1) * 2654435761;
  const grain = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state >>> 24) - 128) / 128;
  };
  const { channels } = info;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const falloff = 1 - 0.25 * (((x - width / 2) / width) ** 2 + ((y - height / 2) / height) ** 2);
      const g = grain() * 14;
      for (let c = 0; c < channels; c++) {
        const p = (y * width + x) * channels + c;
        data[p] = Math.max(0, Math.min(255, Math.round(data[p] * falloff + g + grain() * 6)));
      }
    }
  }
  return sharp(data, { raw: info }).jpeg({ quality: 90 }).toBuffer();
}

/** A PNG of pure noise: incompressible, so `width × height × 3` ≈ its size in bytes. */
function noisePng(width, height) {
  return sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png({ compressionLevel: 0 }).toBuffer();
}

module.exports = { productPhoto, texturedPhoto, noisePng };
