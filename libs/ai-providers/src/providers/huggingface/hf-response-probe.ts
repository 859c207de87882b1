import { ProviderError } from '../../ai-provider.types';

/**
 * A fetch wrapper handed to @huggingface/inference for one attempt. The library's errors carry the status, the
 * request id and the parsed body, but NOT the response headers, so Retry-After would be lost: the probe records
 * them. It also caps the response body, because the library buffers whatever the server sends.
 */
export class ResponseProbe {
  status?: number;
  retryAfter?: string;
  requestId?: string;

  constructor(private readonly maxBodyBytes: number) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    this.status = response.status;
    this.retryAfter = response.headers.get('retry-after') ?? undefined;
    this.requestId = response.headers.get('x-request-id') ?? undefined;
    return capBody(response, this.maxBodyBytes);
  };
}

function capBody(response: Response, maxBytes: number): Response {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    void response.body?.cancel();
    throw tooLarge(declared, maxBytes);
  }
  if (!response.body) return response;
  let seen = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge(seen, maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function tooLarge(bytes: number, maxBytes: number): ProviderError {
  return new ProviderError(`Hugging Face response is larger than ${maxBytes} bytes (${bytes}+)`, false);
}
