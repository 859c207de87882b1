-- AlterTable
ALTER TABLE "background_removal_jobs" ADD COLUMN     "bg_image_key" TEXT,
ADD COLUMN     "output_height" INTEGER,
ADD COLUMN     "output_width" INTEGER;
