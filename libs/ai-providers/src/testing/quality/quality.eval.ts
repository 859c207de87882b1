import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { EmbeddedBackgroundRemover } from '../../providers/embedded/background/embedded-background-remover';
import { buildEvalSet, scoreMask } from './eval-set';
import { EvalResult, qualityTable, replaceSection, timingLine } from './quality-report';

/**
 * `npm run eval:quality`: IoU and alpha MAE of the embedded remover with and without the person model on the
 * generated evaluation set (eval-set.ts), per scene type; writes the table into bench/RESULTS.md and the raw
 * rows into bench/results/quality.json. Figures are measured in this run; nothing is compared with stored values.
 */
const ROOT = join(__dirname, '../../../../..');
const HEADING = '## Background-removal quality (issue 10)';

it('evaluates the embedded background remover', async () => {
  const images = new ImagesService(parseConfig({}) as AppConfig);
  const providers: Array<[string, EmbeddedBackgroundRemover]> = [
    ['classical', new EmbeddedBackgroundRemover(images, null)],
    ['classical+person', new EmbeddedBackgroundRemover(images)],
  ];
  const model = {
    modelKey: 'background-remover:eval',
    appId: 'background-remover',
    provider: 'embedded',
    providerModel: 'embedded',
    capabilities: {},
    maxResolution: 2048,
  };
  const cases = await buildEvalSet();
  const results: EvalResult[] = [];
  for (const [, remover] of providers) await remover.removeBackground({ image: cases[0]!.image, model }); // warm-up
  const load = loadavg()[0]!;
  // Providers alternate image by image, so a busy moment on a shared machine hits both alike.
  for (const c of cases) {
    for (const [provider, remover] of providers) {
      const started = performance.now();
      const analysis = await remover.analyse({ image: c.image, model });
      const mask = await images.resizeMask(analysis.mask, analysis.sourceWidth, analysis.sourceHeight);
      const ms = performance.now() - started;
      results.push({ provider, subject: c.subject, background: c.background, ms, choice: analysis.choice, ...scoreMask(mask.data, c.truth) });
    }
  }
  const names = providers.map(([p]) => p);
  const table = qualityTable(results, names);
  const timing = timingLine(results, names);
  console.log(`${table}\n\n${timing}`);

  const date = new Date().toISOString().slice(0, 10);
  const body = [
    `\`npm run eval:quality\`, ${date}, ${cpus().length} CPU(s), load average ${load.toFixed(1)}, Node ${process.version}. ${cases.length} generated`,
    'JPEG images (480×600 portraits, 640×480 products) with exact alpha ground truth: subjects composited onto',
    'seeded backgrounds (`libs/ai-providers/src/testing/quality/`). IoU at alpha ≥ 128 and mean absolute alpha',
    'error (MAE, 0–1) against the truth; means per scene type. `classical` is the embedded remover without the',
    'person model; `classical+person` is the default (bundled MediaPipe Selfie Segmentation, ONNX).',
    '',
    table,
    '',
    `Time per image, analysis + mask at full size, same run: ${timing}.`,
    '',
    'Subjects: `person-photo` = two public-domain portraits cut out once (bench/quality/SOURCES.md) — their alpha',
    "is the person model's own outline on the original photo, so these rows measure whether a remover finds the",
    'person again on a new background, not matting quality against a hand-drawn matte; `avatar` = the',
    "project's DiceBear Lorelei heads (cartoons); `object` = generated product shots. Backgrounds: `studio`",
    '(plain sweep), `texture` (coloured noise), `bokeh` (soft discs of light), `busy` (cluttered sharp shapes).',
  ].join('\n');
  const resultsFile = join(ROOT, 'bench/RESULTS.md');
  writeFileSync(resultsFile, replaceSection(readFileSync(resultsFile, 'utf8'), HEADING, body));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/quality.json'), JSON.stringify({ date, results }, null, 2));
});
