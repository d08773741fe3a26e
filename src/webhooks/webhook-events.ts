/**
 * The events the server sends to webhook endpoints, and their bodies in each
 * endpoint format. Triage metadata only: never content, receipts, addresses,
 * notes or file names.
 */
import type { SubmitterUrgency, TipCategory, TipChannel } from '../tips/tip.entity.js';

export const WEBHOOK_EVENT_TYPES = [
  'tip.received',
  'tip.updated',
  'tip.escalated',
  'follow-up.received',
  'intake-key.added',
  'intake-key.retired',
  'test.ping',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_FORMATS = ['thin', 'summary', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Triage fields whose changes `tip.updated` reports. */
export const REPORTED_CHANGES = ['status', 'priority', 'severity', 'tlp', 'assignee'] as const;
export type ReportedChange = (typeof REPORTED_CHANGES)[number];

type Scalar = string | number | null;

export interface TipRef {
  id: string;
  reference: string;
}

/** What `tip.received` tells of a new tip (metadata only, never content). */
export type ReceivedTip = TipRef & {
  channel: TipChannel;
  category: TipCategory;
  submitterUrgency: SubmitterUrgency;
  priority: number;
  receivedAt: Date;
};

export type WebhookEvent =
  | {
      type: 'tip.received';
      tip: ReceivedTip & { partner?: { id: string; name: string } };
    }
  | {
      type: 'tip.updated';
      tip: TipRef;
      changes: Partial<Record<ReportedChange, { from: Scalar; to: Scalar }>>;
    }
  | { type: 'tip.escalated'; tip: TipRef & { priority: string } }
  | { type: 'follow-up.received'; tip: TipRef }
  | { type: 'intake-key.added' | 'intake-key.retired'; fingerprint: string }
  | { type: 'test.ping' };

/** The tip an event is about, if any (for the minimum-priority filter). */
export function tipIdOf(event: WebhookEvent): string | null {
  return 'tip' in event ? event.tip.id : null;
}

const URGENCY_WORDS: Record<SubmitterUrgency, string> = {
  'immediate-danger': 'immediate danger',
  days: 'within days',
  weeks: 'within weeks',
  unknown: 'urgency unknown',
};

function minuteUtc(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}

function minute(date: Date): string {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000).toISOString();
}

function summaryData(event: WebhookEvent): Record<string, unknown> {
  switch (event.type) {
    case 'tip.received': {
      const t = event.tip;
      return {
        tipId: t.id,
        reference: t.reference,
        channel: t.channel,
        category: t.category,
        submitterUrgency: t.submitterUrgency,
        priority: `P${t.priority}`,
        // Minute precision, as stored for public tips.
        receivedAt: minute(t.receivedAt),
        ...(t.partner ? { partner: { id: t.partner.id, name: t.partner.name } } : {}),
      };
    }
    case 'tip.updated':
      return { tipId: event.tip.id, reference: event.tip.reference, changes: event.changes };
    case 'tip.escalated':
      return { tipId: event.tip.id, reference: event.tip.reference, priority: event.tip.priority };
    case 'follow-up.received':
      return { tipId: event.tip.id, reference: event.tip.reference };
    case 'intake-key.added':
    case 'intake-key.retired':
      return { fingerprint: event.fingerprint };
    case 'test.ping':
      return {};
  }
}

function thinData(event: WebhookEvent): Record<string, unknown> {
  if ('tip' in event) return { tipId: event.tip.id, reference: event.tip.reference };
  if ('fingerprint' in event) return { fingerprint: event.fingerprint };
  return {};
}

/** One line for a chat channel (Slack, Mattermost), still without content. */
export function slackText(event: WebhookEvent, at: Date): string {
  switch (event.type) {
    case 'tip.received': {
      const t = event.tip;
      return `P${t.priority} tip ${t.reference} (${t.category}, ${URGENCY_WORDS[t.submitterUrgency]}) received ${minuteUtc(t.receivedAt)}`;
    }
    case 'tip.updated': {
      const parts = Object.entries(event.changes).map(
        ([field, c]) => `${field} ${c.from ?? 'none'} -> ${c.to ?? 'none'}`,
      );
      return `Tip ${event.tip.reference} updated: ${parts.join(', ')}`;
    }
    case 'tip.escalated':
      return `${event.tip.priority} tip ${event.tip.reference} escalated ${minuteUtc(at)}`;
    case 'follow-up.received':
      return `New follow-up message on tip ${event.tip.reference} ${minuteUtc(at)}`;
    case 'intake-key.added':
      return `Intake key ${event.fingerprint} added`;
    case 'intake-key.retired':
      return `Intake key ${event.fingerprint} retired`;
    case 'test.ping':
      return 'Tipline test ping';
  }
}

/** The JSON body an endpoint of this format receives (Standard Webhooks: type, timestamp, data). */
export function webhookBody(event: WebhookEvent, format: WebhookFormat, at: Date): string {
  if (format === 'slack') return JSON.stringify({ text: slackText(event, at) });
  return JSON.stringify({
    type: event.type,
    timestamp: at.toISOString(),
    data: format === 'thin' ? thinData(event) : summaryData(event),
  });
}

/**
 * The events of a triage change, from the audit diff of UpdateTip (field:
 * {from, to}): `tip.updated` with the reported fields, and `tip.escalated`
 * when the status became `escalated`.
 */
export function triageChangeEvents(
  tip: TipRef & { priority: string },
  diff: Record<string, { from: unknown; to: unknown }>,
): WebhookEvent[] {
  const changes: Partial<Record<ReportedChange, { from: Scalar; to: Scalar }>> = {};
  const scalar = (v: unknown): Scalar =>
    typeof v === 'string' || typeof v === 'number' ? v : null;
  for (const field of REPORTED_CHANGES) {
    const c = diff[field === 'assignee' ? 'assigneeId' : field];
    if (c) changes[field] = { from: scalar(c.from), to: scalar(c.to) };
  }
  const events: WebhookEvent[] = [];
  if (Object.keys(changes).length > 0) events.push({ type: 'tip.updated', tip, changes });
  if (diff.status?.to === 'escalated') {
    const priority = typeof diff.priority?.to === 'string' ? diff.priority.to : tip.priority;
    events.push({ type: 'tip.escalated', tip: { ...tip, priority } });
  }
  return events;
}

export type TipReceivedEvent = Extract<WebhookEvent, { type: 'tip.received' }>;

/** `tip.received` of a row just inserted. */
export function tipReceived(
  tip: ReceivedTip,
  partner?: { id: string; name: string },
): TipReceivedEvent {
  return {
    type: 'tip.received',
    tip: {
      id: tip.id,
      reference: tip.reference,
      channel: tip.channel,
      category: tip.category,
      submitterUrgency: tip.submitterUrgency,
      priority: tip.priority,
      receivedAt: tip.receivedAt,
      ...(partner ? { partner } : {}),
    },
  };
}
