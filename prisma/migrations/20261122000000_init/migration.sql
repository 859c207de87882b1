-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('USER', 'ADMIN');

-- CreateEnum
CREATE TYPE "UserTier" AS ENUM ('free', 'basic', 'pro', 'enterprise');

-- CreateEnum
CREATE TYPE "CreditTransactionKind" AS ENUM ('GRANT', 'CHARGE', 'REFUND', 'ADJUSTMENT');

-- CreateEnum
CREATE TYPE "QualityTier" AS ENUM ('basic', 'standard', 'professional', 'industry');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "BatchStatus" AS ENUM ('QUEUED', 'PROCESSING', 'COMPLETED', 'PARTIAL', 'FAILED');

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CREDITS', 'SUBSCRIPTION', 'TEST');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('ACTIVE', 'CANCELLED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "AvatarSource" AS ENUM ('UPLOAD', 'GENERATED');

-- CreateEnum
CREATE TYPE "IdempotencyStatus" AS ENUM ('IN_PROGRESS', 'COMPLETED');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "name" TEXT,
    "role" "UserRole" NOT NULL DEFAULT 'USER',
    "tier" "UserTier" NOT NULL DEFAULT 'free',
    "credit_balance" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_transactions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "balance_after" INTEGER NOT NULL,
    "kind" "CreditTransactionKind" NOT NULL,
    "reference_type" TEXT NOT NULL,
    "reference_id" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_models" (
    "id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "model_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "provider" TEXT NOT NULL,
    "provider_model" TEXT NOT NULL,
    "capabilities" JSONB NOT NULL DEFAULT '{}',
    "credit_cost" INTEGER NOT NULL,
    "tier" "UserTier" NOT NULL DEFAULT 'free',
    "quality_tier" "QualityTier",
    "max_resolution" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ai_models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_usage_logs" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "model_key" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "credit_used" INTEGER NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "error_code" TEXT,
    "reference_type" TEXT NOT NULL,
    "reference_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ai_usage_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "background_removal_batches" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "tier" "QualityTier" NOT NULL,
    "model_key" TEXT NOT NULL,
    "status" "BatchStatus" NOT NULL DEFAULT 'QUEUED',
    "total_items" INTEGER NOT NULL,
    "succeeded_items" INTEGER NOT NULL DEFAULT 0,
    "failed_items" INTEGER NOT NULL DEFAULT 0,
    "unit_price" INTEGER NOT NULL,
    "discount_pct" INTEGER NOT NULL DEFAULT 0,
    "credit_charged" INTEGER NOT NULL DEFAULT 0,
    "credit_refunded" INTEGER NOT NULL DEFAULT 0,
    "paid_with" "PaymentMethod" NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "zip_key" TEXT,
    "zip_url" TEXT,
    "webhook_url" TEXT,
    "test_mode" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "background_removal_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "background_removal_jobs" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "batch_id" UUID,
    "tier" "QualityTier" NOT NULL,
    "model_key" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "paid_with" "PaymentMethod" NOT NULL,
    "credit_charged" INTEGER NOT NULL DEFAULT 0,
    "options" JSONB NOT NULL DEFAULT '{}',
    "input_key" TEXT NOT NULL,
    "original_filename" TEXT,
    "input_mime" TEXT NOT NULL,
    "input_bytes" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "output_key" TEXT,
    "output_url" TEXT,
    "thumbnail_url" TEXT,
    "output_format" TEXT NOT NULL DEFAULT 'png',
    "provider" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error_message" TEXT,
    "processing_ms" INTEGER,
    "test_mode" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "background_removal_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "background_remover_subscriptions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "plan" TEXT NOT NULL,
    "status" "SubscriptionStatus" NOT NULL,
    "daily_quota" INTEGER NOT NULL,
    "covered_tiers" "QualityTier"[],
    "credit_price" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "background_remover_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "background_remover_subscription_usage" (
    "id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "background_remover_subscription_usage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "avatar_projects" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "avatar_projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "avatars" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source" "AvatarSource" NOT NULL,
    "image_key" TEXT NOT NULL,
    "image_url" TEXT NOT NULL,
    "thumbnail_key" TEXT NOT NULL,
    "thumbnail_url" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "generation_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "avatars_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "avatar_generations" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "model_key" TEXT NOT NULL,
    "provider" TEXT,
    "name" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "negative_prompt" TEXT,
    "params" JSONB NOT NULL DEFAULT '{}',
    "is_preview" BOOLEAN NOT NULL DEFAULT false,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "credit_charged" INTEGER NOT NULL,
    "output_key" TEXT,
    "output_url" TEXT,
    "thumbnail_key" TEXT,
    "thumbnail_url" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error_message" TEXT,
    "saved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "avatar_generations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" "IdempotencyStatus" NOT NULL DEFAULT 'IN_PROGRESS',
    "response_status" INTEGER,
    "response_body" JSONB,
    "response_headers" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "credit_transactions_user_id_created_at_id_idx" ON "credit_transactions"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "credit_transactions_reference_type_reference_id_kind_key" ON "credit_transactions"("reference_type", "reference_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "ai_models_model_key_key" ON "ai_models"("model_key");

-- CreateIndex
CREATE INDEX "ai_models_app_id_enabled_sort_order_idx" ON "ai_models"("app_id", "enabled", "sort_order");

-- CreateIndex
CREATE UNIQUE INDEX "ai_models_app_id_quality_tier_key" ON "ai_models"("app_id", "quality_tier");

-- CreateIndex
CREATE INDEX "ai_usage_logs_user_id_created_at_idx" ON "ai_usage_logs"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "ai_usage_logs_app_id_model_key_created_at_idx" ON "ai_usage_logs"("app_id", "model_key", "created_at");

-- CreateIndex
CREATE INDEX "background_removal_batches_user_id_created_at_id_idx" ON "background_removal_batches"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "background_removal_batches_status_updated_at_idx" ON "background_removal_batches"("status", "updated_at");

-- CreateIndex
CREATE INDEX "background_removal_jobs_user_id_created_at_id_idx" ON "background_removal_jobs"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "background_removal_jobs_user_id_status_created_at_idx" ON "background_removal_jobs"("user_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "background_removal_jobs_batch_id_status_idx" ON "background_removal_jobs"("batch_id", "status");

-- CreateIndex
CREATE INDEX "background_removal_jobs_status_updated_at_idx" ON "background_removal_jobs"("status", "updated_at");

-- CreateIndex
CREATE INDEX "background_removal_jobs_expires_at_idx" ON "background_removal_jobs"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "background_remover_subscriptions_user_id_key" ON "background_remover_subscriptions"("user_id");

-- CreateIndex
CREATE INDEX "background_remover_subscriptions_status_expires_at_idx" ON "background_remover_subscriptions"("status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "background_remover_subscription_usage_subscription_id_day_key" ON "background_remover_subscription_usage"("subscription_id", "day");

-- CreateIndex
CREATE INDEX "avatar_projects_user_id_created_at_id_idx" ON "avatar_projects"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "avatars_generation_id_key" ON "avatars"("generation_id");

-- CreateIndex
CREATE INDEX "avatars_project_id_created_at_id_idx" ON "avatars"("project_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "avatars_user_id_idx" ON "avatars"("user_id");

-- CreateIndex
CREATE INDEX "avatar_generations_project_id_created_at_idx" ON "avatar_generations"("project_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "avatar_generations_user_id_created_at_idx" ON "avatar_generations"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "avatar_generations_status_updated_at_idx" ON "avatar_generations"("status", "updated_at");

-- CreateIndex
CREATE INDEX "avatar_generations_expires_at_idx" ON "avatar_generations"("expires_at");

-- CreateIndex
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_keys_user_id_key_key" ON "idempotency_keys"("user_id", "key");

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_usage_logs" ADD CONSTRAINT "ai_usage_logs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "background_removal_batches" ADD CONSTRAINT "background_removal_batches_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "background_removal_jobs" ADD CONSTRAINT "background_removal_jobs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "background_removal_jobs" ADD CONSTRAINT "background_removal_jobs_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "background_removal_batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "background_remover_subscriptions" ADD CONSTRAINT "background_remover_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "background_remover_subscription_usage" ADD CONSTRAINT "background_remover_subscription_usage_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "background_remover_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "avatar_projects" ADD CONSTRAINT "avatar_projects_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "avatars" ADD CONSTRAINT "avatars_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "avatars" ADD CONSTRAINT "avatars_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "avatar_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "avatars" ADD CONSTRAINT "avatars_generation_id_fkey" FOREIGN KEY ("generation_id") REFERENCES "avatar_generations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "avatar_generations" ADD CONSTRAINT "avatar_generations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "avatar_generations" ADD CONSTRAINT "avatar_generations_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "avatar_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------------------------------
-- Hand-written constraints (not expressible in schema.prisma). Prisma Migrate does not model CHECK constraints, so they
-- do not show up as drift; keep them when editing this file and add new ones in later migrations the same way.
-- ---------------------------------------------------------------------------------------------------------------------

-- Balances never go negative; a ledger row always moves credits.
ALTER TABLE "users" ADD CONSTRAINT "users_credit_balance_non_negative" CHECK ("credit_balance" >= 0);
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_balance_after_non_negative" CHECK ("balance_after" >= 0);
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_amount_non_zero" CHECK ("amount" <> 0);

-- Catalogue prices and usage counters.
ALTER TABLE "ai_models" ADD CONSTRAINT "ai_models_credit_cost_non_negative" CHECK ("credit_cost" >= 0);
ALTER TABLE "background_remover_subscription_usage" ADD CONSTRAINT "background_remover_subscription_usage_used_non_negative" CHECK ("used" >= 0);

-- Batch progress counters stay within the batch size.
ALTER TABLE "background_removal_batches" ADD CONSTRAINT "background_removal_batches_succeeded_items_non_negative" CHECK ("succeeded_items" >= 0);
ALTER TABLE "background_removal_batches" ADD CONSTRAINT "background_removal_batches_failed_items_non_negative" CHECK ("failed_items" >= 0);
ALTER TABLE "background_removal_batches" ADD CONSTRAINT "background_removal_batches_items_within_total" CHECK ("succeeded_items" + "failed_items" <= "total_items");

-- Credits charged for a generation or job are never negative.
ALTER TABLE "avatar_generations" ADD CONSTRAINT "avatar_generations_credit_charged_non_negative" CHECK ("credit_charged" >= 0);
ALTER TABLE "background_removal_jobs" ADD CONSTRAINT "background_removal_jobs_credit_charged_non_negative" CHECK ("credit_charged" >= 0);
ALTER TABLE "background_removal_batches" ADD CONSTRAINT "background_removal_batches_credit_charged_non_negative" CHECK ("credit_charged" >= 0 AND "credit_refunded" >= 0 AND "credit_refunded" <= "credit_charged");
