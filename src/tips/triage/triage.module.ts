import { Module } from '@nestjs/common';
import { TipsModule } from '../tips.module.js';
import { ListTips } from './list-tips.query.js';
import { ShowTip } from './show-tip.query.js';
import { TipContent } from './tip-content.use-case.js';
import { RecordTipExport } from './record-export.use-case.js';
import { TipExportsController } from './tip-exports.controller.js';
import { TriageController } from './triage.controller.js';
import { UpdateTip } from './update-tip.use-case.js';

@Module({
  imports: [TipsModule],
  controllers: [TriageController, TipExportsController],
  providers: [ListTips, ShowTip, UpdateTip, TipContent, RecordTipExport],
})
export class TriageModule {}
