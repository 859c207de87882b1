import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, fetchRemoteFile, mapInOrder, RemoteFile } from '@app/common';
import { AppConfig } from '@app/config';
import { StorageService } from '@app/storage';
import { BufferedFile, MultipartUploadService, StoredUpload } from './multipart-upload.service';

/** Text fields that carry an image instead of a file part (remove.bg's `image_url` / `image_file_b64`). */
export const IMAGE_URL_FIELD = 'imageUrl';
export const IMAGE_BASE64_FIELD = 'imageBase64';
const INLINE_FIELDS = [IMAGE_URL_FIELD, IMAGE_BASE64_FIELD];

/** URLs of one batch fetched at once: bounded so one request cannot open a hundred connections. */
const URL_FETCH_CONCURRENCY = 4;

/** A second, optional image of a request that is not processed itself (a background): a file part or a URL. */
export interface ExtraImage {
  file: string;
  url: string;
}

export interface ImageInput<F> {
  images: F[];
  /** The {@link ExtraImage}, when sent (at most one). */
  extra?: F;
  fields: Record<string, string>;
  requestHash: string;
}

/**
 * Reads the images of a request whatever way they came: file parts, `imageUrl` (fetched under the outbound URL
 * policy, with the upload's size limit and a time limit) or `imageBase64` (plain or a data: URL). Only the
 * transport differs: every image is then sniffed and validated by content like an upload, before any charge.
 */
@Injectable()
export class ImageInputsService {
  constructor(
    private readonly uploads: MultipartUploadService,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  /** Exactly one image: the `fileField` part, an `imageUrl` or an `imageBase64`; and optionally the `extra` image. */
  async readOne(request: FastifyRequest, fileField: string, extra?: ExtraImage): Promise<ImageInput<BufferedFile>> {
    const inline: { field: string; value: string }[] = [];
    const extraUrls: string[] = [];
    const parsed = await this.uploads.bufferFiles(request, extra ? [fileField, extra.file] : [fileField], 1, {
      names: extra ? [...INLINE_FIELDS, extra.url] : INLINE_FIELDS,
      onValue: async (field, value) => void (field === extra?.url ? extraUrls.push(value) : inline.push({ field, value })),
    });
    const files = parsed.files.filter((f) => f.field === fileField);
    const extraFiles = parsed.files.filter((f) => f.field !== fileField);
    const given = files.length + inline.length;
    if (given !== 1) {
      const why = given === 0 ? 'one image is required' : 'send only one image';
      throw new DomainError('VALIDATION_FAILED', `Send exactly one of \`${fileField}\` (file), \`${IMAGE_URL_FIELD}\` or \`${IMAGE_BASE64_FIELD}\``, {
        fields: [fileField, IMAGE_URL_FIELD, IMAGE_BASE64_FIELD].map((field) => ({ field, errors: [why] })),
      });
    }
    const extraUrl = extra && atMostOneExtra(extra, extraFiles.length, extraUrls);
    const [images, extraImage] = await Promise.all([
      files.length === 1 ? files : this.readInline(inline[0]!).then((image) => [image]),
      extraUrl ? this.fetch(extraUrl, extra.url).then((remote) => buffered(extra.url, remote)) : extraFiles[0],
    ]);
    return { images, extra: extraImage, fields: parsed.fields, requestHash: parsed.requestHash };
  }

  private async readInline({ field, value }: { field: string; value: string }): Promise<BufferedFile> {
    if (field === IMAGE_URL_FIELD) return buffered(field, await this.fetch(value, field));
    return buffered(field, { filename: '', data: decodeBase64Image(value, this.config.UPLOAD_MAX_BYTES) });
  }

  /**
   * Many images, stored to `${keyPrefix}/<slot>` in the order they were sent: file parts in `fileFields`, and any
   * number of `imageUrl` / `imageBase64` fields. A base64 image is stored as soon as it is read (never many in
   * memory); URLs are fetched once the body is read. The `extra` image, if sent, is stored the same way. On failure
   * everything under the prefix is removed.
   */
  async storeMany(request: FastifyRequest, fileFields: string[], keyPrefix: string, extra?: ExtraImage): Promise<ImageInput<StoredUpload>> {
    const urls: { field: string; value: string; slot: number }[] = [];
    const inline: (StoredUpload & { slot: number })[] = [];
    try {
      const parsed = await this.uploads.storeFiles(request, extra ? [...fileFields, extra.file] : fileFields, keyPrefix, {
        names: extra ? [...INLINE_FIELDS, extra.url] : INLINE_FIELDS,
        onValue: async (field, value, slot) => {
          if (field !== IMAGE_BASE64_FIELD) return void urls.push({ field, value, slot });
          const data = decodeBase64Image(value, this.config.UPLOAD_MAX_BYTES);
          inline.push(await this.put(keyPrefix, slot, field, '', data));
        },
      });
      const extraFiles = parsed.files.filter((f) => f.field === extra?.file);
      if (extra) atMostOneExtra(extra, extraFiles.length, urls.filter((u) => u.field === extra.url).map((u) => u.value));
      await mapInOrder(urls, URL_FETCH_CONCURRENCY, async ({ field, value, slot }) => {
        const image = await this.fetch(value, field);
        (field === extra?.url ? extraFiles : inline).push(await this.put(keyPrefix, slot, field, image.filename, image.data));
      });
      const images = [...parsed.files.filter((f) => f.field !== extra?.file), ...inline].sort((a, b) => a.slot - b.slot);
      const total = images.reduce((sum, image) => sum + image.size, 0);
      if (total > this.config.UPLOAD_MAX_TOTAL_BYTES) {
        throw new DomainError('PAYLOAD_TOO_LARGE', `The upload exceeds ${this.config.UPLOAD_MAX_TOTAL_BYTES} bytes in total`);
      }
      if (images.length > this.config.UPLOAD_MAX_FILES) {
        throw new DomainError('VALIDATION_FAILED', `Send at most ${this.config.UPLOAD_MAX_FILES} images`, {
          fields: [{ field: fileFields[0]!, errors: ['too many images'] }],
        });
      }
      const withoutSlot = ({ slot: _slot, ...file }: StoredUpload & { slot: number }) => file;
      const extraImage = extraFiles[0] && withoutSlot(extraFiles[0]);
      return { images: images.map(withoutSlot), extra: extraImage, fields: parsed.fields, requestHash: parsed.requestHash };
    } catch (err) {
      await this.storage.deletePrefix('private', keyPrefix).catch(() => undefined);
      throw err;
    }
  }

  private fetch(url: string, field: string): Promise<RemoteFile> {
    return fetchRemoteFile(url, {
      field,
      allowPrivate: this.config.IMAGE_URL_ALLOW_PRIVATE_TARGETS,
      timeoutMs: this.config.IMAGE_URL_TIMEOUT_MS,
      maxBytes: this.config.UPLOAD_MAX_BYTES,
    });
  }

  private async put(keyPrefix: string, slot: number, field: string, filename: string, data: Buffer): Promise<StoredUpload & { slot: number }> {
    const key = `${keyPrefix}/${slot}`;
    await this.storage.put('private', key, data);
    return { field, filename, declaredMimetype: '', size: data.length, key, slot };
  }
}

function buffered(field: string, image: RemoteFile): BufferedFile {
  return { field, filename: image.filename, declaredMimetype: '', size: image.data.length, data: image.data };
}

/** The extra image comes once, as a file or as a URL; returns the URL when that is how it came. */
function atMostOneExtra(extra: ExtraImage, files: number, urls: string[]): string | undefined {
  if (files + urls.length > 1) {
    throw new DomainError('VALIDATION_FAILED', `Send at most one of \`${extra.file}\` (file) or \`${extra.url}\``, {
      fields: [extra.file, extra.url].map((field) => ({ field, errors: ['at most one background image'] })),
    });
  }
  return urls[0];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Plain base64, base64url, or a `data:<type>;base64,` URL; whitespace (line breaks) ignored. */
export function decodeBase64Image(value: string, maxBytes: number): Buffer {
  const payload = value.replace(/^data:[^,]{0,100};base64,/i, '').replace(/\s+/g, '');
  if (payload.length === 0 || !(BASE64.test(payload) || BASE64URL.test(payload)) || payload.length % 4 === 1) {
    throw new DomainError('VALIDATION_FAILED', `${IMAGE_BASE64_FIELD} is not valid base64`, {
      fields: [{ field: IMAGE_BASE64_FIELD, errors: ['must be base64 or a data: URL with base64 content'] }],
    });
  }
  const tooLarge = () => new DomainError('PAYLOAD_TOO_LARGE', `Each image may be at most ${maxBytes} bytes`);
  if (Math.floor((payload.length * 3) / 4) - 2 > maxBytes) throw tooLarge();
  const data = Buffer.from(payload, BASE64.test(payload) ? 'base64' : 'base64url');
  if (data.length > maxBytes) throw tooLarge();
  return data;
}
