import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { ImageInputsService } from './image-inputs.service';
import { MultipartUploadService } from './multipart-upload.service';
import { UploadAdmissionService } from './upload-admission.service';

@Module({
  imports: [StorageModule],
  providers: [MultipartUploadService, UploadAdmissionService, ImageInputsService],
  exports: [MultipartUploadService, UploadAdmissionService, ImageInputsService],
})
export class UploadsModule {}
