-- AlterTable
ALTER TABLE "ai_models" ADD COLUMN     "preview_credit_cost" INTEGER;
