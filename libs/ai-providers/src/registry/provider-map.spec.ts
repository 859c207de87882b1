import { describe, expect, it } from 'vitest';
import { ProviderMap, ProviderMapError } from './provider-map';

describe('ProviderMap', () => {
  it('unset outside production: everything on the embedded default', () => {
    for (const env of ['development', 'test']) {
      const map = ProviderMap.parse(undefined, env);
      expect(['huggingface', 'onnx', 'embedded'].map((p) => map.resolve(p))).toEqual(['embedded', 'embedded', 'embedded']);
      expect(map.source).toBe('*=embedded, installed ONNX models on onnx (non-production default)');
    }
  });

  it('unset in production: as catalogued', () => {
    const map = ProviderMap.parse(undefined, 'production');
    expect(map.resolve('huggingface')).toBe('huggingface');
    expect(map.resolve('onnx')).toBe('onnx');
    expect(ProviderMap.parse('  ', 'production').resolve('onnx')).toBe('onnx');
  });

  it('"*=embedded" maps everything', () => {
    const map = ProviderMap.parse('*=embedded', 'production');
    expect(map.resolve('huggingface')).toBe('embedded');
    expect(map.resolve('onnx')).toBe('embedded');
  });

  it('per-provider entries; unmapped providers run as catalogued', () => {
    const map = ProviderMap.parse('huggingface=embedded', 'development');
    expect(map.resolve('huggingface')).toBe('embedded');
    expect(map.resolve('onnx')).toBe('onnx');
  });

  it('an exact entry beats "*"', () => {
    const map = ProviderMap.parse(' *=embedded , onnx = onnx ', 'production');
    expect(map.resolve('onnx')).toBe('onnx');
    expect(map.resolve('huggingface')).toBe('embedded');
  });

  it.each([
    ['huggingface=replicate', /unknown provider "replicate"/],
    ['replicate=embedded', /unknown provider "replicate"/],
    ['huggingface', /not of the form/],
    ['onnx=embedded,onnx=huggingface', /mapped twice/],
  ])('rejects %s', (raw, message) => {
    expect(() => ProviderMap.parse(raw, 'production')).toThrow(ProviderMapError);
    expect(() => ProviderMap.parse(raw, 'production')).toThrow(message);
  });
});
