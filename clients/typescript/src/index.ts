import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { LumikuApiError, unwrap } from './errors.js';
import type { components, operations, paths } from './schema.js';
import { parseEventStream } from './sse.js';

export type { components, operations, paths } from './schema.js';
export { LumikuApiError, unwrap, type ErrorBody } from './errors.js';
export { parseEventStream, type ServerSentEvent } from './sse.js';

type Schemas = components['schemas'];
export type UserProfile = Schemas['UserProfileDto'];
export type AuthResponse = Schemas['AuthResponseDto'];
export type RemovalJob = Schemas['RemovalJobDto'];
export type Batch = Schemas['BatchDto'];
export type BatchItem = Schemas['BatchItemDto'];
/** What a batch event carries: the batch without its items. */
export type BatchSummary = Omit<Batch, 'items'>;
export type QualityTier = Schemas['TierPriceDto']['tier'];
export type Avatar = Schemas['AvatarDto'];

type RemoveForm = operations['RemovalController_remove']['requestBody']['content']['multipart/form-data'];
type BatchForm = operations['RemovalController_batch']['requestBody']['content']['multipart/form-data'];
/** The form fields of `POST /remove` besides the image (tier, size, format, bgColor, crop, webhookUrl, …), from the schema. */
export type RemovalOptions = Omit<RemoveForm, 'image' | 'imageUrl' | 'imageBase64'>;
/** The form fields of `POST /batch` besides the images, from the schema. */
export type BatchOptions = Omit<BatchForm, 'images' | 'imageUrl' | 'imageBase64'>;

/** A file to upload: a Blob/File, or bytes with a name (Node, tests). */
export type Upload = Blob | { data: Blob | Uint8Array; filename: string; contentType?: string };
/** An image: a file, or a public http(s) URL the API fetches (`imageUrl`, under the outbound URL policy). */
export type ImageSource = Upload | { url: string };

export interface PaidRequestOptions {
  /**
   * Reuse the same key when retrying the same request (e.g. after a network error or a 503): the API then
   * replays the first answer instead of charging again. {@link newIdempotencyKey} makes one.
   */
  idempotencyKey?: string;
  /** `?test=true`: free, watermarked, low-resolution output. */
  test?: boolean;
  signal?: AbortSignal;
}

/** A paid request's answer: the resource plus what the response headers say about the charge. */
export interface Accepted<T> {
  /** 200: finished within `Prefer: wait`; 202: still running, poll (or stream) it. */
  status: number;
  result: T;
  creditsCharged: number;
  creditsRemaining: number;
  /** True when an `Idempotency-Key` replayed an earlier answer (nothing was charged this time). */
  replayed: boolean;
}

export type BatchEvent = { type: 'progress'; batch: BatchSummary } | { type: 'end' };
export type JobEvent = { type: 'progress'; job: RemovalJob } | { type: 'end' };

export interface LumikuClientOptions {
  /** Where the API is, e.g. `http://localhost:3000` (paths in the schema start with `/api`). `''` = same origin. */
  baseUrl: string;
  /** A bearer token from an earlier login; `register`/`login` set it too. */
  token?: string;
  /** Called whenever the token changes (e.g. to keep it in sessionStorage). */
  onTokenChange?: (token: string | undefined) => void;
  fetch?: typeof globalThis.fetch;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

const TERMINAL_JOB = new Set(['SUCCEEDED', 'FAILED']);
const TERMINAL_BATCH = new Set(['COMPLETED', 'PARTIAL', 'FAILED']);

export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * The Lumiku API through openapi-fetch, typed from the committed `openapi.json`. `api` is the raw typed client
 * (every route); the methods around it cover what a generic client cannot: the bearer token, multipart uploads,
 * `Prefer: wait`, idempotency keys, the batch event stream and binary downloads. Failures throw LumikuApiError.
 */
export function createLumikuClient(options: LumikuClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  let token = options.token;

  const api: Client<paths> = createClient<paths>({ baseUrl, fetch: fetchImpl });
  const auth: Middleware = {
    onRequest({ request }) {
      if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
  api.use(auth);

  const setToken = (next: string | undefined) => {
    token = next;
    options.onTokenChange?.(next);
  };
  const signedIn = (res: AuthResponse) => {
    setToken(res.accessToken);
    return res;
  };

  async function upload<T>(path: '/api/background-remover/remove' | '/api/background-remover/batch', form: FormData, headers: Record<string, string>, opts: PaidRequestOptions): Promise<Accepted<T>> {
    const result = await api.POST(path, {
      params: { query: opts.test ? { test: true } : {}, header: headers },
      // The schema types multipart fields as strings; the real body is the FormData built here.
      body: {} as never,
      bodySerializer: () => form,
      signal: opts.signal,
    });
    const data = unwrap(result) as T;
    const h = result.response.headers;
    return {
      status: result.response.status,
      result: data,
      creditsCharged: Number(h.get('x-credits-charged') ?? 0),
      creditsRemaining: Number(h.get('x-credits-remaining') ?? NaN),
      replayed: h.get('idempotent-replayed') === 'true',
    };
  }

  async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, { timeoutMs = 120_000, intervalMs = 500, signal }: WaitOptions): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() >= deadline) return value;
      await sleep(intervalMs, signal);
    }
  }

  const client = {
    /** Every route, typed: `client.api.GET('/api/background-remover/jobs', { params: { query: { limit: 10 } } })`. */
    api,
    get token(): string | undefined {
      return token;
    },
    setToken,
    /** Absolute URL for a path the API returns (`/storage/...`, Location). */
    url(path: string): string {
      return /^https?:\/\//.test(path) ? path : `${baseUrl}${path}`;
    },

    async register(body: Schemas['RegisterDto']): Promise<AuthResponse> {
      return signedIn(unwrap(await api.POST('/api/auth/register', { body })));
    },
    async login(body: Schemas['LoginDto']): Promise<AuthResponse> {
      return signedIn(unwrap(await api.POST('/api/auth/login', { body })));
    },
    logout(): void {
      setToken(undefined);
    },
    async me(): Promise<UserProfile> {
      return unwrap(await api.GET('/api/auth/me'));
    },

    /**
     * `POST /background-remover/remove`. `wait` seconds (`Prefer: wait=N`, capped by the server): 200 with the
     * finished job, else 202 with a job to poll ({@link waitForJob}).
     */
    async removeBackground(image: ImageSource, { wait, idempotencyKey, test, signal, ...fields }: RemovalOptions & PaidRequestOptions & { wait?: number }): Promise<Accepted<RemovalJob>> {
      const form = fieldsForm(fields);
      appendImage(form, 'image', 'imageUrl', image, 'image');
      const headers = paidHeaders(idempotencyKey);
      if (wait !== undefined) headers.prefer = `wait=${wait}`;
      return upload<RemovalJob>('/api/background-remover/remove', form, headers, { test, signal });
    },

    /** `POST /background-remover/batch`: all files validated first, one discounted charge, 202 with the batch. */
    async createBatch(images: ImageSource[], { idempotencyKey, test, signal, ...fields }: BatchOptions & PaidRequestOptions): Promise<Accepted<Batch>> {
      const form = fieldsForm(fields);
      images.forEach((image, i) => appendImage(form, 'images', 'imageUrl', image, `image-${i + 1}`));
      return upload<Batch>('/api/background-remover/batch', form, paidHeaders(idempotencyKey), { test, signal });
    },

    async getJob(id: string): Promise<RemovalJob> {
      return unwrap(await api.GET('/api/background-remover/jobs/{id}', { params: { path: { id } } }));
    },
    async getBatch(id: string): Promise<Batch> {
      return unwrap(await api.GET('/api/background-remover/batch/{id}', { params: { path: { id } } }));
    },
    waitForJob(id: string, opts: WaitOptions = {}): Promise<RemovalJob> {
      return poll(() => client.getJob(id), (job) => TERMINAL_JOB.has(job.status), opts);
    },
    waitForBatch(id: string, opts: WaitOptions = {}): Promise<Batch> {
      return poll(() => client.getBatch(id), (batch) => TERMINAL_BATCH.has(batch.status), opts);
    },

    /**
     * `GET /batch/:id/events` as an async iterator: a `progress` event on every change, then `end` once the batch
     * is final. Streams with fetch (EventSource cannot send the bearer token). Break out or abort to stop.
     */
    async *batchEvents(id: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<BatchEvent> {
      const events = progressStream<BatchSummary>(api.GET('/api/background-remover/batch/{id}/events', streamInit(id, opts.signal)), opts.signal);
      for await (const event of events) yield event.type === 'end' ? event : { type: 'progress', batch: event.data };
    },

    /** `GET /jobs/:id/events`: the job now and on every change, then `end` once it succeeded, failed or was canceled. */
    async *jobEvents(id: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
      const events = progressStream<RemovalJob>(api.GET('/api/background-remover/jobs/{id}/events', streamInit(id, opts.signal)), opts.signal);
      for await (const event of events) yield event.type === 'end' ? event : { type: 'progress', job: event.data };
    },

    /** `POST /apps/avatar-creator/projects/:id/avatars/upload`: an image of your own as an avatar (free). */
    async uploadAvatar(projectId: string, image: Upload, opts: { name?: string } = {}): Promise<Avatar> {
      const form = new FormData();
      if (opts.name) form.append('name', opts.name);
      appendFile(form, 'image', image, 'avatar');
      const result = await api.POST('/api/apps/avatar-creator/projects/{id}/avatars/upload', {
        params: { path: { id: projectId } },
        body: {} as never,
        bodySerializer: () => form,
      });
      return unwrap(result);
    },

    /** `GET /batch/:id/download`: the ZIP of every succeeded output. */
    async downloadBatchZip(id: string): Promise<Blob> {
      return unwrap(await api.GET('/api/background-remover/batch/{id}/download', { params: { path: { id } }, parseAs: 'blob' })) as Blob;
    },
  };
  return client;
}

export type LumikuClient = ReturnType<typeof createLumikuClient>;

function streamInit(id: string, signal: AbortSignal | undefined) {
  return { params: { path: { id } }, headers: { accept: 'text/event-stream' }, parseAs: 'stream' as const, signal };
}

/** This API's event streams: `progress` events carrying JSON, then `end`. */
async function* progressStream<T>(request: Promise<{ data?: unknown; error?: unknown; response: Response }>, signal?: AbortSignal): AsyncGenerator<{ type: 'progress'; data: T } | { type: 'end' }> {
  const result = await request;
  const body = unwrap(result) as ReadableStream<Uint8Array> | null;
  if (!body) throw new LumikuApiError(result.response, undefined);
  for await (const event of parseEventStream(body, signal)) {
    if (event.event === 'progress') yield { type: 'progress', data: JSON.parse(event.data) as T };
    else if (event.event === 'end') {
      yield { type: 'end' };
      return;
    }
  }
}

function paidHeaders(idempotencyKey: string | undefined): Record<string, string> {
  return idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
}

/** Option fields first, files last: the API reads (and validates) the fields before it stores any file. */
function fieldsForm(fields: Record<string, string | number | boolean | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, String(value));
  return form;
}

function appendImage(form: FormData, fileField: string, urlField: string, image: ImageSource, fallbackName: string): void {
  if ('url' in image && typeof image.url === 'string') form.append(urlField, image.url);
  else appendFile(form, fileField, image as Upload, fallbackName);
}

function appendFile(form: FormData, field: string, file: Upload, fallbackName: string): void {
  if (file instanceof Blob) {
    form.append(field, file, (file as Partial<File>).name || fallbackName);
    return;
  }
  const blob = file.data instanceof Blob ? file.data : new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.contentType ?? 'application/octet-stream' });
  form.append(field, blob, file.filename);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
