-- AlterTable
ALTER TABLE "background_remover_subscriptions" ADD COLUMN     "purchase_id" UUID NOT NULL DEFAULT gen_random_uuid();
