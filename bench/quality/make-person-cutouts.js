'use strict';
/**
 * One-off: makes the person cut-outs of the quality evaluation (bench/quality/subjects/person-*.png) from two
 * public-domain portraits that Debian ships (apt-get install python3-skimage python3-matplotlib):
 * NASA's portrait of astronaut Eileen Collins (scikit-image `astronaut.png`) and the U.S. Navy portrait of
 * Grace Hopper (matplotlib `grace_hopper.jpg`). Both are U.S. government works, public domain.
 *
 * The alpha comes from the bundled person model on the ORIGINAL photo (p ≥ 0.5, 256² grid upsampled, 1 px
 * feather). It is then exact ground truth for every composite built from it — but it is the person model's own
 * outline, so the evaluation measures how well a remover finds this person again on a new background, not how
 * good the outline is against a human-drawn matte. bench/RESULTS.md says so next to the numbers.
 */
const { join } = require('node:path');
const sharp = require('sharp');
const ort = require('onnxruntime-node');

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, 'libs/ai-providers/assets/selfie-segmentation/selfie-segmentation.onnx');
const SOURCES = [
  ['person-astronaut', '/usr/lib/python3/dist-packages/skimage/data/astronaut.png'],
  ['person-hopper', '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg'],
];
const SIZE = 256;

async function main() {
  const session = await ort.InferenceSession.create(MODEL);
  for (const [name, file] of SOURCES) {
    const { data: rgb, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const small = await sharp(file).removeAlpha().resize(SIZE, SIZE, { fit: 'fill' }).raw().toBuffer();
    const input = new ort.Tensor('float32', Float32Array.from(small, (v) => v / 255), [1, SIZE, SIZE, 3]);
    const out = (await session.run({ input_1: input })).output.data;
    const grid = Buffer.from(Array.from(out, (p) => (p >= 0.5 ? 255 : 0)));
    const alpha = await sharp(grid, { raw: { width: SIZE, height: SIZE, channels: 1 } })
      .resize(info.width, info.height, { kernel: 'cubic' })
      .blur(1)
      .extractChannel(0)
      .raw()
      .toBuffer();
    // Harden again after the smooth upscale, keeping a ~1 px anti-aliased edge.
    for (let i = 0; i < alpha.length; i++) alpha[i] = Math.max(0, Math.min(255, Math.round((alpha[i] - 128) * 3 + 128)));
    // sharp resizes before it joins channels: join first, then shrink the RGBA image (keeps the set small).
    const rgba = await sharp(rgb, { raw: { width: info.width, height: info.height, channels: 3 } })
      .joinChannel(alpha, { raw: { width: info.width, height: info.height, channels: 1 } })
      .png()
      .toBuffer();
    await sharp(rgba)
      .resize(384, 384, { fit: 'inside' })
      .png({ compressionLevel: 9 })
      .toFile(join(__dirname, 'subjects', `${name}.png`));
    console.log(`wrote subjects/${name}.png`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
