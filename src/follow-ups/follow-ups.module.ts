import { Module } from '@nestjs/common';
import { TipsModule } from '../tips/tips.module.js';
import { FollowUpsController } from './follow-ups.controller.js';
import { FollowUps } from './follow-ups.service.js';
import { ReceiptLookup } from './receipt-lookup.js';

@Module({
  imports: [TipsModule],
  controllers: [FollowUpsController],
  providers: [FollowUps, ReceiptLookup],
  exports: [FollowUps],
})
export class FollowUpsModule {}
