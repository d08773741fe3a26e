import { retryAfterSeconds, signedHeaders } from './webhook-jobs.js';
import { Webhook } from 'standardwebhooks';
import { slackText, triageChangeEvents, webhookBody, type WebhookEvent } from './webhook-events.js';

const received: WebhookEvent = {
  type: 'tip.received',
  tip: {
    id: '019ad0c4-7a00-7000-8000-000000000001',
    reference: 'TIP-7Q4K-2M9X',
    channel: 'public',
    category: 'terrorism',
    submitterUrgency: 'immediate-danger',
    priority: 1,
    receivedAt: new Date('2026-12-02T14:05:00Z'),
  },
};

describe('webhook events', () => {
  it('formats thin, summary and chat bodies', () => {
    const at = new Date('2026-12-02T14:05:31Z');
    expect(JSON.parse(webhookBody(received, 'thin', at))).toEqual({
      type: 'tip.received',
      timestamp: '2026-12-02T14:05:31.000Z',
      data: { tipId: received.tip.id, reference: 'TIP-7Q4K-2M9X' },
    });
    expect(JSON.parse(webhookBody(received, 'summary', at)).data).toMatchObject({
      category: 'terrorism',
      priority: 'P1',
      receivedAt: '2026-12-02T14:05:00.000Z',
    });
    expect(slackText(received, at)).toBe(
      'P1 tip TIP-7Q4K-2M9X (terrorism, immediate danger) received 14:05 UTC',
    );
  });

  it('reports only the triage fields of a change, and escalations', () => {
    const events = triageChangeEvents(
      { id: 'x', reference: 'TIP-7Q4K-2M9X', priority: 'P2' },
      {
        status: { from: 'triaging', to: 'escalated' },
        tags: { from: [], to: ['a'] },
        legalHold: { from: false, to: true },
        assigneeId: { from: null, to: 'u1' },
      },
    );
    expect(events).toEqual([
      {
        type: 'tip.updated',
        tip: { id: 'x', reference: 'TIP-7Q4K-2M9X', priority: 'P2' },
        changes: {
          status: { from: 'triaging', to: 'escalated' },
          assignee: { from: null, to: 'u1' },
        },
      },
      { type: 'tip.escalated', tip: { id: 'x', reference: 'TIP-7Q4K-2M9X', priority: 'P2' } },
    ]);
    expect(
      triageChangeEvents(
        { id: 'x', reference: 'R', priority: 'P2' },
        { tags: { from: [], to: ['a'] } },
      ),
    ).toEqual([]);
  });

  it('signs with every secret (rotation), verifiable by the official package', () => {
    const s1 = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
    const s2 = `whsec_${Buffer.alloc(24, 2).toString('base64')}`;
    const body = webhookBody(received, 'thin', new Date());
    const headers = signedHeaders([s1, s2], 'msg_1', new Date(), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const s of [s1, s2]) expect(new Webhook(s).verify(body, headers)).toBeTruthy();
    const other = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    expect(() => new Webhook(other).verify(body, headers)).toThrow();
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(
      29,
    );
    expect(retryAfterSeconds('9999999')).toBe(86_400);
    expect(retryAfterSeconds('soon')).toBeNull();
  });
});
