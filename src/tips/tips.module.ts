import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tip } from './tip.entity.js';
import { MessagesRepository } from './messages.repository.js';
import { NotesRepository } from './notes.repository.js';
import { TipsRepository } from './tips.repository.js';
import { AttachmentWriter } from './attachments/attachment-writer.js';
import { StagedAttachmentsRepository } from './attachments/staged-attachments.repository.js';
import { UploadSlots } from './attachments/upload-slots.js';
import { Uploads } from './attachments/uploads.js';

/**
 * Owns the tip, note, message and attachment tables; new tips are stored
 * through TipEnvelope (EnvelopeModule), everything else through the repositories.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Tip])],
  providers: [
    TipsRepository,
    NotesRepository,
    MessagesRepository,
    StagedAttachmentsRepository,
    AttachmentWriter,
    UploadSlots,
    Uploads,
  ],
  exports: [
    TipsRepository,
    NotesRepository,
    MessagesRepository,
    StagedAttachmentsRepository,
    Uploads,
  ],
})
export class TipsModule {}
