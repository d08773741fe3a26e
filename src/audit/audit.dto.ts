import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, IsUUID } from 'class-validator';
import type { AuditEvent } from './audit-event.entity.js';

export class ListAuditEventsQuery {
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,18}$/, { message: 'cursor must be an event id' })
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z_.]{1,64}$/)
  action?: string;

  @IsOptional()
  @IsUUID()
  targetId?: string;
}

export interface AuditEventDto {
  id: string;
  occurredAt: string;
  actor: { id: string | null; username: string | null; role: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export function mapAuditEvent(e: AuditEvent): AuditEventDto {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actor: { id: e.actorId, username: e.actorUsername, role: e.actorRole },
    action: e.action,
    target: { type: e.targetType, id: e.targetId },
    ip: e.ip,
    details: e.details,
    prevHash: e.prevHash.toString('hex'),
    hash: e.hash.toString('hex'),
  };
}
