import { randomBytes } from 'node:crypto';

export interface MultipartFile {
  field: string;
  filename: string;
  contentType?: string;
  data: Buffer;
}

export interface MultipartField {
  name: string;
  value: string;
}

/** Builds a multipart/form-data body for app.inject: the fields first, then the files. */
export function multipart(fields: Record<string, string>, files: MultipartFile[]): { payload: Buffer; headers: Record<string, string> } {
  return multipartParts([...Object.entries(fields).map(([name, value]) => ({ name, value })), ...files]);
}

/** A multipart/form-data body with its parts in exactly this order (fields may repeat). */
export function multipartParts(parts: (MultipartField | MultipartFile)[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----lumiku${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
      continue;
    }
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${part.field}"; filename="${part.filename}"\r\n` +
          `content-type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      part.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
