-- Expand-only: a nullable column that older code ignores; new batch items get their upload position.
-- AlterTable
ALTER TABLE "background_removal_jobs" ADD COLUMN     "position" INTEGER;