import { Module } from '@nestjs/common';
import { AttachmentWriter } from '../tips/attachments/attachment-writer.js';
import { TipsModule } from '../tips/tips.module.js';
import { FollowUpsController } from './follow-ups.controller.js';
import { FollowUps } from './follow-ups.service.js';
import { ReceiptLookup } from './receipt-lookup.js';

@Module({
  imports: [TipsModule],
  controllers: [FollowUpsController],
  providers: [FollowUps, ReceiptLookup, AttachmentWriter],
  exports: [FollowUps],
})
export class FollowUpsModule {}
