import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me-0000';

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
    TRUST_PROXY: bool.default(false),
    SWAGGER_ENABLED: bool.default(true),

    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/lumiku'),
    DATABASE_POOL_SIZE: int(10, 1),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    /** BullMQ key prefix: lets several deployments (or test runs) share one Redis. */
    QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('lumiku'),

    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    JWT_EXPIRES_IN_SECONDS: int(3600, 60),
    SIGNUP_CREDITS: int(100),

    STORAGE_DRIVER: z.enum(['local']).default('local'),
    STORAGE_ROOT: z.string().default('./var/storage'),
    /** Prefix of public URLs the API returns; relative by default so the SPA uses its own origin. */
    STORAGE_PUBLIC_BASE_URL: z.string().default('/storage'),
    RETENTION_DAYS: int(30, 1),

    UPLOAD_MAX_BYTES: int(20 * 1024 * 1024, 1024),
    UPLOAD_MAX_FILES: int(100, 1),
    UPLOAD_MAX_TOTAL_BYTES: int(500 * 1024 * 1024, 1024),
    IMAGE_MAX_PIXELS: int(50_000_000, 1),
    IMAGE_MAX_DIMENSION: int(12_000, 16),

    RATE_LIMIT_USER_PER_MINUTE: int(600, 1),
    RATE_LIMIT_IP_PER_MINUTE: int(1200, 1),
    RATE_LIMIT_AUTH_PER_MINUTE: int(20, 1),

    WORKER_CONCURRENCY: int(1, 1),
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
    PROVIDER_OUTPUT_MAX_BYTES: int(50 * 1024 * 1024, 1024),

    // --- Products ---
    /** `POST /remove` waits this long for the result by default (`Prefer: wait=N` overrides, capped below). */
    REMOVE_WAIT_DEFAULT_SECONDS: int(10, 0),
    REMOVE_WAIT_MAX_SECONDS: int(30, 0),
    /** Test mode (no charge): output is downscaled to this size and watermarked. */
    TEST_MODE_MAX_SIDE: int(512, 64),
    IDEMPOTENCY_TTL_HOURS: int(24, 1),
    PREVIEW_TTL_HOURS: int(24, 1),
    WEBHOOK_SIGNING_SECRET: z.string().min(16).default('dev-only-webhook-signing-secret'),
    WEBHOOK_TIMEOUT_MS: int(10_000, 100),

    ENABLED_APPS: z
      .string()
      .default('background-remover,avatar-creator')
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.NODE_ENV === 'production' && cfg.JWT_SECRET === DEV_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'must be set to a secret of your own in production' });
    }
  });

export type EnvConfig = z.infer<typeof configSchema>;
