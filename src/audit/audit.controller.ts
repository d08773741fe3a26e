import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '../common/auth/access.decorators.js';
import { AuditLog, type VerifyResult } from './audit-log.js';
import { ListAuditEventsQuery, mapAuditEvent, type AuditEventDto } from './audit.dto.js';

@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Roles('auditor')
  @Get('events')
  async events(
    @Query() query: ListAuditEventsQuery,
  ): Promise<{ events: AuditEventDto[]; nextCursor: string | null }> {
    const page = await this.audit.page({
      before: query.cursor,
      limit: query.limit ?? 100,
      action: query.action,
      targetId: query.targetId,
    });
    return { events: page.events.map(mapAuditEvent), nextCursor: page.nextCursor };
  }

  @Roles('auditor')
  @Get('verify')
  verify(): Promise<VerifyResult> {
    return this.audit.verify();
  }
}
