import { Get, Query } from '@nestjs/common';
import { StaffRoute } from '../common/route.decorator.js';
import { AuditLog, type VerifyResult } from './audit-log.js';
import {
  AuditEventListDto,
  AuditVerifyResultModel,
  ListAuditEventsQuery,
  mapAuditEvent,
} from './audit.dto.js';
import { StaffController } from '../common/staff-controller.decorator.js';

@StaffController('audit', 'v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @StaffRoute({
    roles: ['auditor'],
    summary: 'List audit events',
    description:
      'The hash-chained audit trail, newest first: logins, content reads, metadata changes ' +
      '(old and new values), user and key administration. Page with `cursor`.',
    ok: { type: AuditEventListDto, description: 'A page of events.' },
    errors: [400],
  })
  @Get('events')
  async events(@Query() query: ListAuditEventsQuery): Promise<AuditEventListDto> {
    const page = await this.audit.page({
      before: query.cursor,
      limit: query.limit ?? 100,
      action: query.action,
      targetId: query.targetId,
    });
    return { events: page.events.map(mapAuditEvent), nextCursor: page.nextCursor };
  }

  @StaffRoute({
    roles: ['auditor'],
    summary: 'Verify the chain',
    description:
      'Recomputes every hash and reports the first broken link. Note `headHash` down: ' +
      '`tipctl audit verify --expect-head` then also detects events removed from the end.',
    ok: { type: AuditVerifyResultModel, description: 'The verification result.' },
  })
  @Get('verify')
  verify(): Promise<VerifyResult> {
    return this.audit.verify();
  }
}
