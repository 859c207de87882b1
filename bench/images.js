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

/** A PNG of pure noise: incompressible, so `width × height × 3` ≈ its size in bytes. */
function noisePng(width, height) {
  return sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png({ compressionLevel: 0 }).toBuffer();
}

module.exports = { productPhoto, noisePng };
