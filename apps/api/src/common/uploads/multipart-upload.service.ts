import { createHash, Hash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { StorageService } from '@app/storage';
import { assertNoNul } from '../input-safety';

export interface UploadedFile {
  field: string;
  filename: string;
  /** The declared type; never trusted — images are sniffed from their bytes. */
  declaredMimetype: string;
  size: number;
}

export interface BufferedFile extends UploadedFile {
  data: Buffer;
}

export interface StoredUpload extends UploadedFile {
  /** Key in the private storage area. */
  key: string;
}

/**
 * Text fields that carry an image (a URL or base64) instead of a file part. They are handed over as they arrive,
 * with the slot they hold in upload order, and are not kept in `fields`.
 */
export interface InlineImageFields {
  names: string[];
  onValue: (field: string, value: string, slot: number) => Promise<void>;
}

/** Non-image text fields are options: small. (busboy's own limit is raised for base64 image fields.) */
const MAX_OPTION_FIELD_BYTES = 64 * 1024;

export interface ParsedMultipart<F> {
  files: F[];
  fields: Record<string, string>;
  /** sha256 over every field and file in order: what an Idempotency-Key is compared against. */
  requestHash: string;
}

/**
 * Reads multipart bodies under the configured limits (@fastify/multipart enforces per-file size while streaming
 * → 413). `bufferFiles` keeps small uploads in memory; `storeFiles` streams each file to private storage so a
 * batch of large images never sits in memory.
 */
@Injectable()
export class MultipartUploadService {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: StorageService,
  ) {}

  /** For single-image endpoints: at most `maxFiles` files per field are read into memory; one more is rejected unread. */
  async bufferFiles(request: FastifyRequest, allowedFields: string[], maxFiles = 1, inline?: InlineImageFields): Promise<ParsedMultipart<BufferedFile>> {
    const files: BufferedFile[] = [];
    const parsed = await this.parse(request, allowedFields, inline, async (part, hash) => {
      if (files.filter((f) => f.field === part.fieldname).length >= maxFiles) {
        part.file.resume();
        throw new DomainError('VALIDATION_FAILED', `Send at most ${maxFiles} file${maxFiles === 1 ? '' : 's'} in ${part.fieldname}`, {
          fields: [{ field: part.fieldname, errors: ['too many files'] }],
        });
      }
      const data = await part.toBuffer();
      hash.update(data);
      files.push({ field: part.fieldname, filename: part.filename, declaredMimetype: part.mimetype, size: data.length, data });
    });
    return { ...parsed, files };
  }

  /**
   * Streams files to `${keyPrefix}/<slot>`, slots numbered in part order (inline image fields take slots too);
   * on any failure removes what was written.
   */
  async storeFiles(request: FastifyRequest, allowedFields: string[], keyPrefix: string, inline?: InlineImageFields): Promise<ParsedMultipart<StoredUpload & { slot: number }>> {
    const files: (StoredUpload & { slot: number })[] = [];
    let total = 0;
    try {
      const parsed = await this.parse(request, allowedFields, inline, async (part, hash, slot) => {
        const key = `${keyPrefix}/${slot}`;
        let size = 0;
        const meter = new Transform({
          transform: (chunk: Buffer, _enc, done) => {
            size += chunk.length;
            total += chunk.length;
            if (total > this.config.UPLOAD_MAX_TOTAL_BYTES) {
              done(new DomainError('PAYLOAD_TOO_LARGE', `The upload exceeds ${this.config.UPLOAD_MAX_TOTAL_BYTES} bytes in total`));
              return;
            }
            hash.update(chunk);
            done(null, chunk);
          },
        });
        const sink = new PassThrough();
        const stored = this.storage.put('private', key, sink);
        await Promise.all([pipeline(part.file, meter, sink), stored]);
        if (part.file.truncated) throw fileTooLarge(this.config.UPLOAD_MAX_BYTES);
        files.push({ field: part.fieldname, filename: part.filename, declaredMimetype: part.mimetype, size, key, slot });
      });
      return { ...parsed, files };
    } catch (err) {
      await this.storage.deletePrefix('private', keyPrefix).catch(() => undefined);
      throw err;
    }
  }

  private async parse(
    request: FastifyRequest,
    allowedFields: string[],
    inline: InlineImageFields | undefined,
    onFile: (part: FilePart, hash: Hash, slot: number) => Promise<void>,
  ): Promise<{ fields: Record<string, string>; requestHash: string }> {
    if (!request.isMultipart()) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the image as multipart/form-data');
    }
    const hash = createHash('sha256');
    const fields: Record<string, string> = {};
    let slots = 0;
    for await (const part of request.parts()) {
      try {
        assertNoNul(part.fieldname, 'multipart field name');
        if (part.type === 'file') assertNoNul(part.filename ?? '', `${part.fieldname} filename`);
      } catch (err) {
        if (part.type === 'file') part.file.resume();
        throw err;
      }
      hash.update(`\u0000${part.type}:${part.fieldname}\u0000`);
      if (part.type === 'file') {
        if (!allowedFields.includes(part.fieldname)) {
          part.file.resume();
          throw new DomainError('VALIDATION_FAILED', `Unexpected file field "${part.fieldname}"; use ${allowedFields.join(' or ')}`, {
            fields: [{ field: part.fieldname, errors: ['unexpected file field'] }],
          });
        }
        await onFile(part, hash, slots++);
      } else {
        const value = typeof part.value === 'string' ? part.value : String(part.value);
        hash.update(value);
        if (inline?.names.includes(part.fieldname)) {
          if (part.valueTruncated) throw fileTooLarge(this.config.UPLOAD_MAX_BYTES);
          await inline.onValue(part.fieldname, value, slots++);
          continue;
        }
        if (part.valueTruncated || Buffer.byteLength(value) > MAX_OPTION_FIELD_BYTES) {
          throw new DomainError('PAYLOAD_TOO_LARGE', `Field "${part.fieldname}" is longer than ${MAX_OPTION_FIELD_BYTES} bytes`);
        }
        // A repeated field arrives comma-joined (`webhookEvents=completed&webhookEvents=failed`); single-valued fields
        // then fail validation instead of silently keeping the last value.
        fields[part.fieldname] = Object.hasOwn(fields, part.fieldname) ? `${fields[part.fieldname]},${value}` : value;
      }
    }
    return { fields, requestHash: hash.digest('hex') };
  }
}

type FilePart = Extract<Awaited<ReturnType<FastifyRequest['file']>>, object>;

function fileTooLarge(limit: number): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', `Each file may be at most ${limit} bytes`);
}
