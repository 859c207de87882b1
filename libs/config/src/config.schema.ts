import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** S3 bucket naming rules (lowercase, 3-63 chars); a prefix is `/`-terminated key segments like 'public/'. */
const s3Bucket = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name');
const s3Prefix = z.string().regex(/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)+$/, "must look like 'public/' or 'lumiku/public/'");

const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me-0000';
const DEV_WEBHOOK_SECRET = 'dev-only-webhook-signing-secret';

/**
 * Every environment variable the api, worker and cli read. Defaults are the embedded local setup
 * (PostgreSQL and Redis on 127.0.0.1, disk storage under ./var, embedded AI providers), so a fresh
 * machine runs with no .env. Production must set the secrets (checked below).
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: int(3000, 1).pipe(z.number().max(65535)),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: bool.default(false),
    /**
     * Which proxies may set X-Forwarded-For (client IPs feed the per-IP rate limits): a comma-separated list of the
     * proxies' addresses/CIDRs, or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`. Never "trust everything",
     * and no hop count (Fastify 5 ignores hop counts: the immediate peer could not be verified).
     */
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((v, ctx): false | string[] => {
        if (v === 'false') return false;
        const list = v.split(',').map((x) => x.trim()).filter(Boolean);
        const bad = list.filter((x) => !isAddressOrCidr(x) && !PROXY_ADDR_NAMES.has(x));
        if (list.length === 0 || bad.length) {
          ctx.addIssue({ code: 'custom', message: `must list the proxies' addresses/CIDRs (e.g. 10.0.0.0/8), not "${v}"` });
          return z.NEVER;
        }
        return list;
      }),
    /** Swagger UI and JSON at /api/docs. Unset: on outside production, off in production (explicit opt-in). */
    SWAGGER_ENABLED: bool.optional(),
    /** The API's public base URL, e.g. https://api.lumiku.example (the OpenAPI `servers` entry). Unset: same origin. */
    API_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Who sees readiness details (providers, files, remedies): `public`, or `admin` tokens only. Unset: admin in production. */
    HEALTH_DETAILS: z.enum(['public', 'admin']).optional(),

    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/lumiku'),
    DATABASE_POOL_SIZE: int(10, 1),
    /**
     * What to do when code inside an interactive transaction asks the pool for a second connection (a deadlock under
     * load): `throw` (default outside production, so tests catch it), `warn` (default in production), `off`.
     */
    DATABASE_TX_GUARD: z.enum(['throw', 'warn', 'off']).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    /** BullMQ key prefix: lets several deployments (or test runs) share one Redis. */
    QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('lumiku'),

    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    JWT_EXPIRES_IN_SECONDS: int(3600, 60),
    SIGNUP_CREDITS: int(100),

    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    STORAGE_ROOT: z.string().default('./var/storage'),
    /** Prefix of public URLs the API returns; relative by default so the SPA uses its own origin. */
    STORAGE_PUBLIC_BASE_URL: z.string().default('/storage'),
    RETENTION_DAYS: int(30, 1),

    // --- S3-compatible object storage (STORAGE_DRIVER=s3): api and workers on different hosts share a bucket ---
    /** How /storage/<key> answers in S3 mode: the API streams the object, or 302s to a short-lived presigned URL. */
    STORAGE_PUBLIC_DELIVERY: z.enum(['stream', 'redirect']).default('stream'),
    /** Bucket for both areas (as prefixes), unless S3_PRIVATE_BUCKET / S3_PUBLIC_BUCKET name one per area. */
    S3_BUCKET: s3Bucket.optional(),
    S3_PRIVATE_BUCKET: s3Bucket.optional(),
    S3_PUBLIC_BUCKET: s3Bucket.optional(),
    S3_PRIVATE_PREFIX: s3Prefix.default('private/'),
    S3_PUBLIC_PREFIX: s3Prefix.default('public/'),
    S3_REGION: z.string().min(1).default('us-east-1'),
    /** Unset: AWS S3. MinIO and other S3-compatible servers: their URL (usually with S3_FORCE_PATH_STYLE=true). */
    S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    /** Endpoint put into redirect URLs when browsers reach the object store at another address than the API does. */
    S3_PRESIGN_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    /** Unset: the SDK's default credential chain (instance/task role, AWS_* variables, profiles). */
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: bool.default(false),
    S3_PRESIGN_TTL_SECONDS: int(300, 1).pipe(z.number().max(7 * 24 * 3600)),

    UPLOAD_MAX_BYTES: int(20 * 1024 * 1024, 1024),
    UPLOAD_MAX_FILES: int(100, 1),
    UPLOAD_MAX_TOTAL_BYTES: int(500 * 1024 * 1024, 1024),
    /**
     * Paid uploads (remove, batch) being accepted at once per API process; more wait in a queue of
     * UPLOAD_ADMISSION_QUEUE for at most UPLOAD_ADMISSION_WAIT_MS, the rest get 503 SERVER_BUSY + Retry-After.
     */
    UPLOAD_ADMISSION_CONCURRENCY: int(8, 1),
    UPLOAD_ADMISSION_QUEUE: int(200, 0),
    UPLOAD_ADMISSION_WAIT_MS: int(15_000, 0),
    IMAGE_MAX_PIXELS: int(50_000_000, 1),
    IMAGE_MAX_DIMENSION: int(12_000, 16),

    // --- Metrics (Prometheus text format; libs/metrics) ---
    /**
     * Bearer token for GET /api/metrics and the worker's /metrics. Unset: metrics are off in production (404, no worker
     * server) and open without a token elsewhere, so `curl localhost:3000/api/metrics` works in development.
     */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** The worker's metrics server port (`/metrics`). Unset: no server. 0: any free port (tests). */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** Address the worker's metrics server binds to; 0.0.0.0 in a container so Prometheus can reach it. */
    WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** Allow retry/clean/promote in the admin queue UI (/api/admin/queues); read-only otherwise. */
    QUEUE_UI_ACTIONS: bool.default(false),
    /** Turn rate limiting off only for benchmarks or behind a gateway that already limits. */
    RATE_LIMIT_ENABLED: bool.default(true),
    RATE_LIMIT_USER_PER_MINUTE: int(600, 1),
    RATE_LIMIT_IP_PER_MINUTE: int(1200, 1),
    RATE_LIMIT_AUTH_PER_MINUTE: int(20, 1),
    /** Event streams (SSE) one user may have open at once, across replicas. */
    SSE_MAX_STREAMS_PER_USER: int(5, 1),

    /**
     * Jobs in flight per worker process and queue. 2 by default: while one job's model runs (ONNX runs are gated by
     * ONNX_CONCURRENT_RUNS), the next one downloads and decodes its input and the previous one encodes and stores.
     */
    WORKER_CONCURRENCY: int(2, 1),
    /**
     * How far V8 lets the worker's heap grow past what the last full collection kept, in percent (V8's
     * --heap-growing-percent); 0 leaves V8's own choice. While a model runs on its thread the worker's event loop
     * idles, and V8 then keeps the limit so tight that every image starts a full mark-compact of the ~50 MB heap
     * (tens of ms of CPU the model lacks). 100: one such collection every several images, for ≤ 2× the heap.
     */
    WORKER_HEAP_GROWING_PERCENT: int(100, 0),
    RECONCILE_INTERVAL_SECONDS: int(60, 1),
    /** A QUEUED row older than this with no queue job is re-enqueued by the reconciler. */
    RECONCILE_GRACE_SECONDS: int(30, 1),
    SHUTDOWN_TIMEOUT_SECONDS: int(25, 1),

    // --- AI providers (libs/ai-providers) ---
    /**
     * Deployment mapping of catalogue providers, e.g. "huggingface=embedded,onnx=embedded" or "*=embedded".
     * Unset: everything runs on the embedded default outside production, as catalogued in production.
     */
    AI_PROVIDER_MAP: z.string().optional(),
    HF_TOKEN: z.string().optional(),
    /** Overrides the Hugging Face router for text-to-image (a dedicated endpoint, or a local fake in tests). */
    HF_ENDPOINT_URL: z.url().optional(),
    /** Inference Endpoint serving background removal (image-segmentation masks). */
    HF_BG_REMOVAL_ENDPOINT_URL: z.url().optional(),
    HF_TIMEOUT_MS: int(120_000, 100),
    HF_MAX_ATTEMPTS: int(4, 1),
    HF_MAX_RETRY_WAIT_MS: int(180_000, 0),
    MODELS_DIR: z.string().default('./models'),
    /** ONNX Runtime threads inside one operator (0 = one per core, ORT's default) and across operators. */
    ONNX_INTRA_OP_THREADS: int(0, 0),
    ONNX_INTER_OP_THREADS: int(1, 1),
    /**
     * Model runs at once per process. 1: a run already uses every core (intra-op threads), so a second concurrent
     * run would only split them and double the memory; the other in-flight jobs do their I/O and image work meanwhile.
     */
    ONNX_CONCURRENT_RUNS: int(1, 1),
    PROVIDER_OUTPUT_MAX_BYTES: int(50 * 1024 * 1024, 1024),

    // --- Products ---
    /** `POST /remove` waits this long for the result by default (`Prefer: wait=N` overrides, capped below). */
    REMOVE_WAIT_DEFAULT_SECONDS: int(10, 0),
    REMOVE_WAIT_MAX_SECONDS: int(30, 0),
    /** Test mode (no charge): output is downscaled to this size and watermarked. */
    TEST_MODE_MAX_SIDE: int(512, 64),
    /** Free test-mode images per user per UTC day (each still runs the model on a downsized input). */
    TEST_MODE_DAILY_LIMIT: int(50, 0),
    IDEMPOTENCY_TTL_HOURS: int(24, 1),
    PREVIEW_TTL_HOURS: int(24, 1),
    WEBHOOK_SIGNING_SECRET: z.string().min(16).default(DEV_WEBHOOK_SECRET),
    WEBHOOK_TIMEOUT_MS: int(10_000, 100),
    /** Allow webhooks to loopback/private addresses. Unset: allowed outside production only (SSRF guard). */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.optional(),
    /** `imageUrl` inputs: the whole fetch (connect, redirects, body) must finish within this time. */
    IMAGE_URL_TIMEOUT_MS: int(15_000, 100),
    /** Allow `imageUrl` inputs on loopback/private addresses. Unset: allowed outside production only (SSRF guard). */
    IMAGE_URL_ALLOW_PRIVATE_TARGETS: bool.optional(),

    ENABLED_APPS: z
      .string()
      .default('background-remover,avatar-creator')
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.NODE_ENV === 'production' && cfg.JWT_SECRET === DEV_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'must be set to a secret of your own in production' });
    }
    if (cfg.NODE_ENV === 'production' && cfg.WEBHOOK_SIGNING_SECRET === DEV_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SIGNING_SECRET'], message: 'must be set to a secret of your own in production' });
    }
    if (cfg.STORAGE_DRIVER === 's3') {
      for (const [path, message] of s3ConfigProblems(cfg)) ctx.addIssue({ code: 'custom', path: [path], message });
    }
  })
  // Defaults that depend on NODE_ENV are resolved here, once, so no caller repeats the rule.
  .transform((cfg) => ({
    ...cfg,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: cfg.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? cfg.NODE_ENV !== 'production',
    IMAGE_URL_ALLOW_PRIVATE_TARGETS: cfg.IMAGE_URL_ALLOW_PRIVATE_TARGETS ?? cfg.NODE_ENV !== 'production',
    // The guard tracks async context, which costs every promise of the process (transaction-guard.ts): tests only.
    DATABASE_TX_GUARD: cfg.DATABASE_TX_GUARD ?? (cfg.NODE_ENV === 'production' ? 'off' : 'throw'),
    SWAGGER_ENABLED: cfg.SWAGGER_ENABLED ?? cfg.NODE_ENV !== 'production',
    HEALTH_DETAILS: cfg.HEALTH_DETAILS ?? (cfg.NODE_ENV === 'production' ? 'admin' : 'public'),
  }));

export type EnvConfig = z.infer<typeof configSchema>;

const PROXY_ADDR_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(value: string): boolean {
  const [address, prefix, extra] = value.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

type S3Settings = Pick<
  EnvConfig,
  'S3_BUCKET' | 'S3_PRIVATE_BUCKET' | 'S3_PUBLIC_BUCKET' | 'S3_PRIVATE_PREFIX' | 'S3_PUBLIC_PREFIX' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY'
>;

/** What STORAGE_DRIVER=s3 needs: a bucket per area, both keys or neither, and areas that cannot overlap. */
function s3ConfigProblems(cfg: S3Settings): [keyof S3Settings, string][] {
  const problems: [keyof S3Settings, string][] = [];
  const privateBucket = cfg.S3_PRIVATE_BUCKET ?? cfg.S3_BUCKET;
  const publicBucket = cfg.S3_PUBLIC_BUCKET ?? cfg.S3_BUCKET;
  if (!privateBucket || !publicBucket) {
    problems.push(['S3_BUCKET', 'is required when STORAGE_DRIVER=s3 (or set both S3_PRIVATE_BUCKET and S3_PUBLIC_BUCKET)']);
  }
  if (!cfg.S3_ACCESS_KEY_ID !== !cfg.S3_SECRET_ACCESS_KEY) {
    problems.push([cfg.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID', 'set both S3 keys, or neither to use the default AWS credential chain']);
  }
  const [a, b] = [cfg.S3_PRIVATE_PREFIX, cfg.S3_PUBLIC_PREFIX];
  if (privateBucket === publicBucket && (a.startsWith(b) || b.startsWith(a))) {
    problems.push(['S3_PUBLIC_PREFIX', 'must not overlap S3_PRIVATE_PREFIX when both areas share a bucket (private files would become public)']);
  }
  return problems;
}
