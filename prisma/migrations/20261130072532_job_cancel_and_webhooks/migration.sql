-- Expand-only: new enum values and nullable/defaulted columns that older code ignores (owner cancel, single-job webhooks).
-- AlterEnum
ALTER TYPE "BatchStatus" ADD VALUE 'CANCELED';

-- AlterEnum
ALTER TYPE "JobStatus" ADD VALUE 'CANCELED';

-- AlterTable
ALTER TABLE "background_removal_batches" ADD COLUMN     "canceled_at" TIMESTAMPTZ(3),
ADD COLUMN     "canceled_items" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "background_removal_jobs" ADD COLUMN     "webhook_events" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "webhook_url" TEXT;
