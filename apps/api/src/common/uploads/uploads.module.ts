import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { MultipartUploadService } from './multipart-upload.service';

@Module({ imports: [StorageModule], providers: [MultipartUploadService], exports: [MultipartUploadService] })
export class UploadsModule {}
