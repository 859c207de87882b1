import { describe, expect, it } from 'vitest';
import { ONNX_PROFILES } from '../providers/onnx/onnx-profiles';
import { findModelByFile, MODEL_REGISTRY, pullCommand, registryProfile } from './model-registry';

const HEX_LENGTH = { md5: 32, sha256: 64 } as const;

describe('MODEL_REGISTRY', () => {
  it('lists the commercially usable models the default catalogue may use', () => {
    const commercial = MODEL_REGISTRY.filter((m) => m.commercialUse).map((m) => m.name);
    expect(commercial).toEqual(expect.arrayContaining(['u2netp', 'u2net', 'u2net_human_seg', 'birefnet-general', 'birefnet-general-lite']));
    for (const m of MODEL_REGISTRY.filter((e) => e.commercialUse)) {
      expect(m.licence.weights, m.name).toMatch(/^(Apache-2\.0|MIT)$/);
    }
  });

  it('marks weights that are not cleared for commercial use', () => {
    const restricted = MODEL_REGISTRY.filter((m) => !m.commercialUse).map((m) => m.name);
    expect(restricted).toEqual(['isnet-general-use', 'bria-rmbg']);
  });

  it.each(MODEL_REGISTRY.map((m) => [m.name, m] as const))('%s is well-formed', (_name, m) => {
    expect(m.fileName).toBe(`${m.name}.onnx`);
    expect(m.checksum.value).toMatch(new RegExp(`^[0-9a-f]{${HEX_LENGTH[m.checksum.algorithm]}}$`));
    expect(m.urls.length).toBeGreaterThan(0);
    for (const url of m.urls) expect(new URL(url).protocol).toBe('https:');
    expect(m.publishedIn).toMatch(/^danielgatis\/rembg rembg\/sessions\/\w+\.py$/);
    expect(m.bytes === undefined || (Number.isSafeInteger(m.bytes) && m.bytes > 0)).toBe(true);
    expect(Object.keys(ONNX_PROFILES)).toContain(m.onnx.profile);
    expect(findModelByFile(m.fileName)).toBe(m);
  });

  it('has unique names, file names and checksums', () => {
    for (const key of ['name', 'fileName'] as const) {
      expect(new Set(MODEL_REGISTRY.map((m) => m[key])).size).toBe(MODEL_REGISTRY.length);
    }
    expect(new Set(MODEL_REGISTRY.map((m) => m.checksum.value)).size).toBe(MODEL_REGISTRY.length);
  });

  it('resolves profiles through onnx-profiles.ts, with the registry input size', () => {
    expect(registryProfile(MODEL_REGISTRY.find((m) => m.name === 'u2netp')!)).toEqual(ONNX_PROFILES.u2net);
    expect(registryProfile(MODEL_REGISTRY.find((m) => m.name === 'birefnet-general-lite')!)).toMatchObject({
      name: 'birefnet',
      inputWidth: 1024,
      inputHeight: 1024,
      postprocess: 'sigmoid',
    });
    expect(() => registryProfile({ ...MODEL_REGISTRY[0]!, onnx: { profile: 'nope' } })).toThrow(/unknown ONNX profile "nope"/);
  });

  it('gives the exact pull command', () => {
    expect(pullCommand({ name: 'u2netp' })).toBe('npm run models -- pull u2netp');
  });
});
