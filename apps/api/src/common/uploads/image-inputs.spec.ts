import { describe, expect, it } from 'vitest';
import { decodeBase64Image } from './image-inputs.service';

describe('decodeBase64Image', () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x01]);

  it('reads plain base64, base64url, data: URLs and wrapped lines', () => {
    expect(decodeBase64Image(bytes.toString('base64'), 100)).toEqual(bytes);
    expect(decodeBase64Image(bytes.toString('base64url'), 100)).toEqual(bytes);
    expect(decodeBase64Image(`data:image/png;base64,${bytes.toString('base64')}`, 100)).toEqual(bytes);
    expect(decodeBase64Image(bytes.toString('base64').replace(/(.{4})/g, '$1\r\n'), 100)).toEqual(bytes);
  });

  it('refuses what is not base64 (400) and what decodes larger than the limit (413)', () => {
    for (const bad of ['', '!!!!', 'abc$', 'data:image/png;base64,', 'a']) {
      expect(() => decodeBase64Image(bad, 100), bad).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
    expect(() => decodeBase64Image(Buffer.alloc(101).toString('base64'), 100)).toThrow(expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }));
    expect(decodeBase64Image(Buffer.alloc(100).toString('base64'), 100)).toHaveLength(100);
  });
});
