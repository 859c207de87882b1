import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { MultipartUploadService } from './multipart-upload.service';
import { UploadAdmissionService } from './upload-admission.service';

@Module({
  imports: [StorageModule],
  providers: [MultipartUploadService, UploadAdmissionService],
  exports: [MultipartUploadService, UploadAdmissionService],
})
export class UploadsModule {}
