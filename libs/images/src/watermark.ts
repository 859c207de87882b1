/**
 * Our own SVG overlay for test-mode previews (user-supplied SVG is never decoded). Diagonal stripes stay
 * visible even where no font is installed; the text is a bonus where fontconfig finds one.
 */
export function watermarkSvg(width: number, height: number): Buffer {
  const step = Math.max(24, Math.round(Math.min(width, height) / 6));
  const stroke = Math.max(2, Math.round(step / 6));
  const fontSize = Math.max(12, Math.round(Math.min(width, height) / 8));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs>
    <pattern id="s" width="${step}" height="${step}" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <rect width="${stroke}" height="${step}" fill="#ffffff" fill-opacity="0.35"/>
      <rect x="${stroke}" width="${stroke}" height="${step}" fill="#000000" fill-opacity="0.2"/>
    </pattern>
  </defs>
  <rect width="100%" height="100%" fill="url(#s)"/>
  <text x="50%" y="50%" text-anchor="middle" dominant-baseline="middle" font-family="sans-serif" font-weight="bold"
    font-size="${fontSize}" fill="#ffffff" fill-opacity="0.6" stroke="#000000" stroke-opacity="0.4"
    transform="rotate(-30 ${width / 2} ${height / 2})">PREVIEW</text>
</svg>`;
  return Buffer.from(svg);
}
