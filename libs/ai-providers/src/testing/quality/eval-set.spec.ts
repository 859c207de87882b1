import { describe, expect, it } from 'vitest';
import { buildCase, scoreMask } from './eval-set';
import { replaceSection } from './quality-report';

const share = (truth: Uint8Array) => truth.filter((a) => a >= 128).length / truth.length;

describe('quality evaluation set', () => {
  it('is deterministic: the same case twice gives the same bytes and truth', async () => {
    const a = await buildCase('avatar', 'texture', 1);
    const b = await buildCase('avatar', 'texture', 1);
    expect(a.image.equals(b.image)).toBe(true);
    expect(Buffer.from(a.truth).equals(Buffer.from(b.truth))).toBe(true);
  });

  it('places people as head-and-shoulders crops and products floating, with the truth where the subject is', async () => {
    const person = await buildCase('person-photo', 'busy', 0);
    expect([person.width, person.height]).toEqual([480, 600]);
    expect(share(person.truth)).toBeGreaterThan(0.2);
    expect(share(person.truth)).toBeLessThan(0.8);
    expect(person.truth.subarray((person.height - 1) * person.width).some((a) => a >= 128)).toBe(true); // bottom row
    const product = await buildCase('object', 'studio', 2);
    const { width, height, truth } = product;
    const border = [...truth.subarray(0, width), ...truth.subarray((height - 1) * width)];
    expect(border.every((a) => a === 0)).toBe(true);
    expect(share(truth)).toBeGreaterThan(0.05);
  });

  it('scores a perfect mask 1 / 0 and its inverse 0 / 1 (IoU / MAE)', () => {
    const truth = Uint8Array.from([0, 0, 255, 255]);
    expect(scoreMask(truth, truth)).toEqual({ iou: 1, mae: 0 });
    expect(scoreMask(Uint8Array.from([255, 255, 0, 0]), truth)).toEqual({ iou: 0, mae: 1 });
  });
});

describe('replaceSection (bench/RESULTS.md)', () => {
  it('appends a missing section', () => {
    expect(replaceSection('# R\n\ntext\n', '## Q', 'table')).toBe('# R\n\ntext\n\n## Q\n\ntable\n');
  });

  it('replaces only its own section and keeps the ones after it', () => {
    const doc = '# R\n\n## Q\n\nold table\n\n## Notes\n\nkept\n';
    expect(replaceSection(doc, '## Q', 'new table')).toBe('# R\n\n## Q\n\nnew table\n\n## Notes\n\nkept\n');
  });
});
