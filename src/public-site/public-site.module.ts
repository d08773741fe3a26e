import { Module } from '@nestjs/common';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';
import { ProofOfWorkModule } from '../proof-of-work/proof-of-work.module.js';
import { IntakeModule } from '../tips/intake/intake.module.js';
import { TipsModule } from '../tips/tips.module.js';
import { NoJsLimitGuard } from './no-js-limit.guard.js';
import { SiteController } from './site.controller.js';
import { SiteExceptionFilter } from './site-exception.filter.js';
import { SiteFollowUpsService } from './site-follow-ups.service.js';
import { SiteFormChecks } from './site-form-checks.js';
import { SitePages } from './site-pages.js';
import { SiteRenderer } from './site-renderer.js';
import { SiteTipsService } from './site-tips.service.js';

/** The public web pages (PUBLIC_SITE=on): HTML over the intake and follow-up use cases. */
@Module({
  imports: [IntakeModule, FollowUpsModule, ProofOfWorkModule, TipsModule],
  controllers: [SiteController],
  providers: [
    SiteRenderer,
    SitePages,
    SiteFormChecks,
    SiteTipsService,
    SiteFollowUpsService,
    SiteExceptionFilter,
    NoJsLimitGuard,
  ],
})
export class PublicSiteModule {}
