import { Module } from '@nestjs/common';
import { TipsModule } from '../tips.module.js';
import { IntakeController } from './intake.controller.js';
import { SubmitTip } from './submit-tip.use-case.js';

@Module({
  imports: [TipsModule],
  controllers: [IntakeController],
  providers: [SubmitTip],
  // The public site (src/public-site) takes tips through the same use case.
  exports: [SubmitTip],
})
export class IntakeModule {}
