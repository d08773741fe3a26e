import { Injectable } from '@nestjs/common';
import { AttachmentWriter } from './attachment-writer.js';
import type { UploadDeps } from './multipart.js';
import { StagedAttachmentsRepository } from './staged-attachments.repository.js';
import { UploadSlots } from './upload-slots.js';

/** What a controller needs to take a multipart upload (one instance: the slots are per process). */
@Injectable()
export class Uploads implements UploadDeps {
  constructor(
    readonly writer: AttachmentWriter,
    readonly staged: StagedAttachmentsRepository,
    readonly slots: UploadSlots,
  ) {}
}
