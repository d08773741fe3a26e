import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/app.js';
import { tipIdOf, withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';
import { submitTip } from './support/tips.js';

const CANARY = 'CANARY-webhooks-3f9b';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

/** A receiver: records every request; answers with the next scripted status, else 200. */
async function receiver(): Promise<{
  url: string;
  hits: Hit[];
  script: Map<string, Array<number | [number, string]>>;
  close(): Promise<void>;
}> {
  const hits: Hit[] = [];
  const script = new Map<string, Array<number | [number, string]>>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const next = script.get(req.url!)?.shift() ?? 200;
      const [status, retryAfter] = typeof next === 'number' ? [next, undefined] : next;
      hits.push({ path: req.url!, headers: req.headers, body, status, at: Date.now() });
      res
        .writeHead(status, {
          'content-type': 'application/json',
          ...(retryAfter ? { 'retry-after': retryAfter } : {}),
        })
        .end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    script,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `found` returns something, failing after the deadline. */
async function waitFor<T>(
  what: string,
  found: () => T | undefined | false,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = found();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const JOBS_ENV = {
  BACKGROUND_JOBS: 'true',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  // Retries after 1 s, then 1 s: the Standard Webhooks schedule is minutes to hours.
  WEBHOOK_RETRY_SCHEDULE: '1,1',
};

describe('webhooks: signed, content-free events delivered from the outbox', () => {
  let a: TestApp;
  let b: TestApp;
  let intake: TestKey;
  let admin: StaffLogin;
  let lead: StaffLogin;
  let rx: Awaited<ReturnType<typeof receiver>>;

  async function register(path: string, body: Record<string, unknown>) {
    const res = await request(a.server)
      .post('/v1/admin/webhooks')
      .set(...bearer(admin))
      .send({ url: `${rx.url}${path}`, ...body })
      .expect(201);
    return res.body as { id: string; secret: string };
  }

  const submit = (body: Record<string, unknown> = {}, app = a) =>
    submitTip(app, {
      category: 'terrorism',
      submitterUrgency: 'immediate-danger',
      narrative: `${CANARY} narrative`,
      location: `${CANARY} location`,
      contact: `${CANARY} contact`,
      ...body,
    });

  /** The tip's id, and its version as triage reads it (for a PATCH). */
  async function triageView(reference: string): Promise<{ tipId: string; version: number }> {
    const tipId = await tipIdOf(reference);
    const current = await request(a.server)
      .get(`/v1/triage/tips/${tipId}`)
      .set(...bearer(lead))
      .expect(200);
    return { tipId, version: current.body.version as number };
  }

  const hitsFor = (path: string, reference: string) =>
    rx.hits.filter((h) => h.path === path && h.body.includes(reference));

  beforeAll(async () => {
    intake = await makeTestKey();
    rx = await receiver();
    a = await startTestApp([intake.publicKeyPath], JOBS_ENV);
    b = await startTestApp([intake.publicKeyPath], JOBS_ENV);
    admin = await staffLogin(a, 'admin');
    lead = await staffLogin(a, 'lead');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await rx?.close();
  });

  it('delivers a signed tip.received within seconds of a submission, and again after a failure', async () => {
    const summary = await register('/summary', { eventTypes: ['tip.received'], format: 'summary' });
    expect(summary.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const listed = await request(a.server)
      .get('/v1/admin/webhooks')
      .set(...bearer(admin))
      .expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(summary.secret);

    const started = Date.now();
    const { reference } = await submit();
    const [hit] = await waitFor('tip.received', () => {
      const h = hitsFor('/summary', reference);
      return h.length > 0 && h;
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(hit!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(hit!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    // The official package verifies it (and would throw on a bad signature).
    const verified = new Webhook(summary.secret).verify(hit!.body, {
      'webhook-id': hit!.headers['webhook-id'] as string,
      'webhook-timestamp': hit!.headers['webhook-timestamp'] as string,
      'webhook-signature': hit!.headers['webhook-signature'] as string,
    });
    expect(verified).toEqual({
      type: 'tip.received',
      timestamp: expect.any(String),
      data: {
        tipId: expect.any(String),
        reference,
        channel: 'public',
        category: 'terrorism',
        submitterUrgency: 'immediate-danger',
        priority: 'P1',
        receivedAt: expect.stringMatching(/:00\.000Z$/),
      },
    });
    expect(() =>
      new Webhook(summary.secret).verify(hit!.body.replace('P1', 'P2'), {
        'webhook-id': hit!.headers['webhook-id'] as string,
        'webhook-timestamp': hit!.headers['webhook-timestamp'] as string,
        'webhook-signature': hit!.headers['webhook-signature'] as string,
      }),
    ).toThrow();

    // The next attempt fails with 500: the retry carries the same webhook-id.
    rx.script.set('/summary', [500]);
    const second = (await submit()).reference;
    const tries = await waitFor('a retry', () => {
      const h = hitsFor('/summary', second);
      return h.length >= 2 && h;
    });
    expect(tries.map((h) => h.status)).toEqual([500, 200]);
    expect(tries[1]!.headers['webhook-id']).toBe(tries[0]!.headers['webhook-id']);
    const deliveries = await request(a.server)
      .get(`/v1/admin/webhooks/${summary.id}/deliveries`)
      .set(...bearer(admin))
      .expect(200);
    expect(deliveries.body.deliveries[0]).toMatchObject({
      messageId: tries[0]!.headers['webhook-id'],
      eventType: 'tip.received',
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 200,
    });
    await request(a.server)
      .patch(`/v1/admin/webhooks/${summary.id}`)
      .set(...bearer(admin))
      .send({ enabled: false })
      .expect(200);
  });

  it('honours Retry-After, gives up after the last retry, and moves on', async () => {
    const hook = await register('/dead', { eventTypes: ['tip.received'], format: 'thin' });
    // 503 asking for 3 s (longer than the 1 s schedule), then 500 twice: dead after 3 tries.
    rx.script.set('/dead', [[503, '3'], 500, 500]);
    const doomed = (await submit()).reference;
    const next = (await submit()).reference;
    const tries = await waitFor('three tries', () => {
      const h = hitsFor('/dead', doomed);
      return h.length >= 3 && h;
    });
    expect(tries.map((h) => h.status)).toEqual([503, 500, 500]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(2900);
    expect(new Set(tries.map((h) => h.headers['webhook-id'])).size).toBe(1);
    // The message behind it waited its turn, then went.
    const [after] = await waitFor('the next message', () => {
      const h = hitsFor('/dead', next);
      return h.length > 0 && h;
    });
    expect(after!.at).toBeGreaterThan(tries[2]!.at);
    const deliveries = await request(a.server)
      .get(`/v1/admin/webhooks/${hook.id}/deliveries`)
      .set(...bearer(admin))
      .expect(200);
    const dead = (deliveries.body.deliveries as Array<Record<string, unknown>>).find(
      (d) => d.messageId === tries[0]!.headers['webhook-id'],
    );
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastStatusCode: 500 });
    // An admin resends it: the same webhook-id again.
    await request(a.server)
      .post(`/v1/admin/webhooks/${hook.id}/deliveries/${dead!.id as string}/resend`)
      .set(...bearer(admin))
      .expect(202);
    await waitFor('the resend', () => hitsFor('/dead', doomed).length === 4);
    expect(hitsFor('/dead', doomed)[3]).toMatchObject({
      status: 200,
      headers: expect.objectContaining({ 'webhook-id': tries[0]!.headers['webhook-id'] }),
    });
    await request(a.server)
      .patch(`/v1/admin/webhooks/${hook.id}`)
      .set(...bearer(admin))
      .send({ enabled: false })
      .expect(200);
  });

  it('two instances deliver each event once', async () => {
    await register('/twice', { eventTypes: ['tip.received'], format: 'thin' });
    const references: string[] = [];
    for (let i = 0; i < 6; i++) {
      references.push((await submit({}, i % 2 === 0 ? a : b)).reference);
    }
    await waitFor('six deliveries', () => references.every((r) => hitsFor('/twice', r).length > 0));
    // Leave time for a duplicate to show up, then count.
    await new Promise((r) => setTimeout(r, 3000));
    const ids = rx.hits.filter((h) => h.path === '/twice').map((h) => h.headers['webhook-id']);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    // In order: one endpoint's deliveries go one at a time, oldest first.
    expect(
      rx.hits
        .filter((h) => h.path === '/twice')
        .map((h) => (JSON.parse(h.body) as { data: { reference: string } }).data.reference),
    ).toEqual(references);
    expect(JSON.parse(rx.hits.find((h) => h.path === '/twice')!.body)).toEqual({
      type: 'tip.received',
      timestamp: expect.any(String),
      data: { tipId: expect.any(String), reference: references[0] },
    });
  });

  it('a P1-only chat channel gets a Slack-style line; a P3 tip does not go there', async () => {
    await register('/chat', { eventTypes: ['tip.received'], format: 'slack', minPriority: 'P1' });
    const p1 = (await submit()).reference;
    const p3 = (await submit({ submitterUrgency: 'weeks', category: 'espionage' })).reference;
    const [hit] = await waitFor('the chat line', () => {
      const h = hitsFor('/chat', p1);
      return h.length > 0 && h;
    });
    expect(JSON.parse(hit!.body)).toEqual({
      text: expect.stringMatching(
        new RegExp(`^P1 tip ${p1} \\(terrorism, immediate danger\\) received \\d{2}:\\d{2} UTC$`),
      ),
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(hitsFor('/chat', p3)).toEqual([]);
  });

  it("a P1-only endpoint hears of a tip's updates from the moment the tip is P1", async () => {
    await register('/p1-updates', {
      eventTypes: ['tip.updated'],
      format: 'summary',
      minPriority: 'P1',
    });
    const { reference } = await submit({ submitterUrgency: 'weeks', category: 'espionage' });
    const { tipId, version } = await triageView(reference);
    await request(a.server)
      .patch(`/v1/triage/tips/${tipId}`)
      .set(...bearer(lead))
      .send({ version, status: 'triaging' })
      .expect(200);
    await request(a.server)
      .patch(`/v1/triage/tips/${tipId}`)
      .set(...bearer(lead))
      .send({ version: version + 1, priority: 'P1' })
      .expect(200);
    await waitFor('the P1 update', () => hitsFor('/p1-updates', reference).length > 0);
    // One endpoint's deliveries go oldest first: a delivery of the P3 update would have come first.
    expect(
      hitsFor('/p1-updates', reference).map(
        (h) => (JSON.parse(h.body) as { data: { changes: unknown } }).data.changes,
      ),
    ).toEqual([{ priority: { from: 'P3', to: 'P1' } }]);
  });

  it('410 Gone disables the endpoint', async () => {
    const gone = await register('/gone', { eventTypes: ['tip.received'], format: 'thin' });
    rx.script.set('/gone', [410]);
    await submit();
    await waitFor('the 410', () => rx.hits.some((h) => h.path === '/gone'));
    const deadline = Date.now() + 10_000;
    let listed: { enabled: boolean; disabledReason: string | null } | undefined;
    for (;;) {
      const res = await request(a.server)
        .get('/v1/admin/webhooks')
        .set(...bearer(admin))
        .expect(200);
      listed = (
        res.body.endpoints as Array<{ id: string; enabled: boolean; disabledReason: string | null }>
      ).find((e) => e.id === gone.id);
      if (listed && !listed.enabled) break;
      if (Date.now() > deadline) throw new Error('the endpoint was not disabled');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed.disabledReason).toContain('410');
  });

  it('canary: no event carries content, receipts, notes or file names', async () => {
    const all = await register('/all', {
      eventTypes: [
        'tip.received',
        'tip.updated',
        'tip.escalated',
        'follow-up.received',
        'test.ping',
      ],
      format: 'summary',
    });
    const res = await request(a.server)
      .post('/v1/tips')
      .field(
        'tip',
        JSON.stringify({
          category: 'cyber',
          submitterUrgency: 'days',
          narrative: `${CANARY} narrative`,
          peopleInvolved: `${CANARY} people`,
        }),
      )
      .attach('files', Buffer.from(`${CANARY} file body`), {
        filename: `${CANARY}-file.txt`,
        contentType: 'text/plain',
      });
    expect(res.status).toBe(201);
    const { reference, receipt } = res.body as { reference: string; receipt: string };
    const { tipId, version } = await triageView(reference);
    await request(a.server)
      .post(`/v1/triage/tips/${tipId}/notes`)
      .set(...bearer(lead))
      .send({ body: `${CANARY} note` })
      .expect(201);
    await request(a.server)
      .patch(`/v1/triage/tips/${tipId}`)
      .set(...bearer(lead))
      .send({ version, status: 'triaging', assigneeId: 'me', tlp: 'red' })
      .expect(200);
    await request(a.server)
      .patch(`/v1/triage/tips/${tipId}`)
      .set(...bearer(lead))
      .send({ version: version + 1, status: 'escalated', priority: 'P1' })
      .expect(200);
    await request(a.server)
      .post('/v1/follow-ups/messages')
      .send({ receipt, body: `${CANARY} follow-up` })
      .expect(201);
    await request(a.server)
      .post(`/v1/admin/webhooks/${all.id}/test`)
      .set(...bearer(admin))
      .expect(204);

    const types = await waitFor('five event types', () => {
      const seen = rx.hits
        .filter((h) => h.path === '/all')
        .map((h) => JSON.parse(h.body) as { type: string; data: Record<string, unknown> });
      const got = new Set(seen.map((e) => e.type));
      return got.size === 5 && seen;
    });
    const updated = types.find(
      (e) => e.type === 'tip.updated' && JSON.stringify(e).includes('"tlp"'),
    )!;
    expect(updated.data).toEqual({
      tipId,
      reference,
      changes: {
        status: { from: 'new', to: 'triaging' },
        tlp: { from: 'amber', to: 'red' },
        assignee: { from: null, to: lead.id },
      },
    });
    expect(types.find((e) => e.type === 'tip.escalated')!.data).toEqual({
      tipId,
      reference,
      priority: 'P1',
    });
    const everything = [
      ...rx.hits.map((h) => `${JSON.stringify(h.headers)}${h.body}`),
      ...(
        await withClient((c) => c.query<{ body: string }>('SELECT body FROM webhook_delivery'))
      ).rows.map((r) => r.body),
    ].join('\n');
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(receipt);
  });

  it('announces intake key changes', async () => {
    await register('/keys', {
      eventTypes: ['intake-key.added', 'intake-key.retired'],
      format: 'summary',
    });
    const key = await makeTestKey();
    const added = await request(a.server)
      .post('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .send({ armored: await readFile(key.publicKeyPath, 'utf8') })
      .expect(201);
    await request(a.server)
      .delete(`/v1/admin/intake-keys/${added.body.fingerprint}`)
      .set(...bearer(admin))
      .expect(204);
    const events = await waitFor('both key events', () => {
      const h = rx.hits.filter((x) => x.path === '/keys');
      return h.length >= 2 && h.map((x) => JSON.parse(x.body) as { type: string; data: unknown });
    });
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['intake-key.added', { fingerprint: added.body.fingerprint }],
      ['intake-key.retired', { fingerprint: added.body.fingerprint }],
    ]);
  });

  it('audits endpoint changes without secrets and refuses bad URLs', async () => {
    const created = await register('/audited', { eventTypes: ['test.ping'], format: 'thin' });
    const rotated = await request(a.server)
      .patch(`/v1/admin/webhooks/${created.id}`)
      .set(...bearer(admin))
      .send({ rotateSecret: true })
      .expect(200);
    expect(rotated.body).toMatchObject({
      secretCount: 2,
      secret: expect.stringMatching(/^whsec_/),
    });
    await request(a.server)
      .post(`/v1/admin/webhooks/${created.id}/test`)
      .set(...bearer(admin))
      .expect(204);
    const hit = await waitFor('the ping', () => rx.hits.find((h) => h.path === '/audited'));
    const headers = {
      'webhook-id': hit.headers['webhook-id'] as string,
      'webhook-timestamp': hit.headers['webhook-timestamp'] as string,
      'webhook-signature': hit.headers['webhook-signature'] as string,
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    // Receivers holding either secret verify it while it rotates.
    expect(new Webhook(created.secret).verify(hit.body, headers)).toMatchObject({
      type: 'test.ping',
    });
    expect(new Webhook(rotated.body.secret as string).verify(hit.body, headers)).toMatchObject({
      type: 'test.ping',
    });
    const audit = await withClient((c) =>
      c.query<{ action: string; details: unknown }>(
        `SELECT action, details FROM audit_event WHERE target_id = $1 ORDER BY id`,
        [created.id],
      ),
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.tested',
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain('whsec_');
    // An endpoint sealed under another SERVER_SECRET (a shared database, a changed secret)
    // is still listed, with no readable secret, and a rotation repairs it.
    const foreign = await withClient(async (c) => {
      const r = await c.query<{ id: string }>(
        `INSERT INTO webhook_endpoint (id, url, secrets, event_types, format, enabled)
         VALUES (gen_random_uuid(), 'https://203.0.113.7/x', '\\x01ff', '{test.ping}', 'thin', false)
         RETURNING id`,
      );
      return r.rows[0]!.id;
    });
    const all = await request(a.server)
      .get('/v1/admin/webhooks')
      .set(...bearer(admin))
      .expect(200);
    expect(
      (all.body.endpoints as Array<{ id: string; secretCount: number }>).find(
        (e) => e.id === foreign,
      ),
    ).toMatchObject({ secretCount: 0 });
    await request(a.server)
      .patch(`/v1/admin/webhooks/${foreign}`)
      .set(...bearer(admin))
      .send({ enabled: true })
      .expect(409);
    const repaired = await request(a.server)
      .patch(`/v1/admin/webhooks/${foreign}`)
      .set(...bearer(admin))
      .send({ rotateSecret: true })
      .expect(200);
    expect(repaired.body).toMatchObject({
      secretCount: 1,
      secret: expect.stringMatching(/^whsec_/),
    });
    const bad = await request(a.server)
      .post('/v1/admin/webhooks')
      .set(...bearer(admin))
      .send({ url: 'ftp://example.org/x', eventTypes: ['tip.received'], format: 'thin' })
      .expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'url', problem: 'must use https' }]);
  });
});
