import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module.js';
import { IntakeKeysModule } from '../../intake-keys/intake-keys.module.js';
import { WebhooksModule } from '../../webhooks/webhooks.module.js';
import { TipsModule } from '../tips.module.js';
import { ListTips } from './list-tips.query.js';
import { ShowTip } from './show-tip.query.js';
import { TipContent } from './tip-content.use-case.js';
import { RecordTipExport } from './record-export.use-case.js';
import { TipExportsController } from './tip-exports.controller.js';
import { TriageController } from './triage.controller.js';
import { UpdateTip } from './update-tip.use-case.js';

@Module({
  imports: [TipsModule, AuditModule, IntakeKeysModule, WebhooksModule],
  controllers: [TriageController, TipExportsController],
  providers: [ListTips, ShowTip, UpdateTip, TipContent, RecordTipExport],
})
export class TriageModule {}
