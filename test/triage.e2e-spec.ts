import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { decryptMessage } from '../src/crypto/openpgp.js';
import { startTestApp, type TestApp } from './support/app.js';
import { dumpDatabase, leakForms, tipIdOf, withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';
import { submitTip } from './support/tips.js';

const CANARY = 'CANARY-triage-55aa';

/** A tip with the canary as its narrative; returns its reference. */
async function submit(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  const tip = { category: 'cyber', submitterUrgency: 'days', narrative: CANARY, ...fields };
  return (await submitTip(t, tip)).reference;
}

describe('triage', () => {
  let t: TestApp;
  let key: TestKey;
  let analyst: StaffLogin;
  let other: StaffLogin;
  let lead: StaffLogin;

  beforeAll(async () => {
    key = await makeTestKey();
    t = await startTestApp([key.publicKeyPath]);
    analyst = await staffLogin(t, 'analyst');
    other = await staffLogin(t, 'analyst');
    lead = await staffLogin(t, 'lead');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a full story: list, claim, read and decrypt, note, escalate, close', async () => {
    const reference = await submit(t, {
      category: 'espionage',
      submitterUrgency: 'immediate-danger',
    });
    const id = await tipIdOf(reference);

    const queue = await request(t.server)
      .get('/v1/triage/tips?status=new&category=espionage&assignee=none&priority=P1')
      .set(...bearer(analyst))
      .expect(200);
    const listed = queue.body.tips.find((x: { id: string }) => x.id === id);
    expect(listed).toMatchObject({
      reference,
      status: 'new',
      priority: 'P1',
      assignee: null,
      version: 1,
    });
    expect(JSON.stringify(queue.body)).not.toContain(CANARY);
    expect(listed).not.toHaveProperty('payload');

    const claimed = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 1, assigneeId: 'me', status: 'triaging', tags: ['phishing', 'apt:28'] })
      .expect(200);
    expect(claimed.body).toMatchObject({
      status: 'triaging',
      assignee: { id: analyst.id, username: analyst.username },
      tags: ['apt:28', 'phishing'],
      version: 2,
    });

    // Another analyst can neither take it nor release it.
    const taken = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(other))
      .send({ version: 2, assigneeId: 'me' })
      .expect(403);
    expect(taken.body.error.code).toBe('forbidden');

    const payload = await request(t.server)
      .get(`/v1/triage/tips/${id}/payload`)
      .set(...bearer(analyst))
      .expect(200);
    expect(payload.body).toMatchObject({
      tipId: id,
      reference,
      keyFingerprints: [key.fingerprint],
    });
    expect(payload.body.armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    const content = JSON.parse(
      Buffer.from(
        await decryptMessage(Buffer.from(payload.body.armored), key.privateKey),
      ).toString(),
    );
    expect(content).toMatchObject({ reference, narrative: CANARY });

    const noteText = `${CANARY}-note: called the ministry CERT`;
    const note = await request(t.server)
      .post(`/v1/triage/tips/${id}/notes`)
      .set(...bearer(analyst))
      .send({ body: noteText })
      .expect(201);
    expect(note.body).toEqual({
      id: expect.any(String),
      author: { id: analyst.id, username: analyst.username },
      createdAt: expect.any(String),
    });
    const notes = await request(t.server)
      .get(`/v1/triage/tips/${id}/notes`)
      .set(...bearer(lead))
      .expect(200);
    expect(notes.body.notes).toHaveLength(1);
    const decryptedNote = JSON.parse(
      Buffer.from(
        await decryptMessage(Buffer.from(notes.body.notes[0].armored), key.privateKey),
      ).toString(),
    );
    expect(decryptedNote).toMatchObject({
      schema: 'tipline.note/v1',
      reference,
      author: analyst.username,
      body: noteText,
    });
    const dump = await dumpDatabase();
    for (const form of leakForms('called the ministry CERT')) expect(dump.text).not.toContain(form);

    const escalated = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 2, status: 'escalated', severity: 1, tlp: 'red', confidence: 80 })
      .expect(200);
    expect(escalated.body).toMatchObject({
      status: 'escalated',
      severity: 1,
      tlp: 'red',
      confidence: 80,
      version: 3,
    });

    const analystClose = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 3, status: 'closed' })
      .expect(403);
    expect(analystClose.body.error.message).toBe('Only a lead can close a tip.');
    await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(lead))
      .send({ version: 3, status: 'closed', legalHold: true })
      .expect(200);

    const detail = await request(t.server)
      .get(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .expect(200);
    expect(detail.body).toMatchObject({
      status: 'closed',
      legalHold: true,
      version: 4,
      counts: { notes: 1, attachments: 0 },
      notes: [{ author: { username: analyst.username } }],
    });

    const events = await withClient(
      async (c) =>
        (
          await c.query<{ action: string; actor_username: string; ip: string }>(
            `SELECT action, actor_username, ip FROM audit_event WHERE target_id = $1 ORDER BY id`,
            [id],
          )
        ).rows,
    );
    expect(events.map((e) => e.action)).toEqual([
      'tip.updated',
      'tip.payload_read',
      'tip.note_added',
      'tip.notes_read',
      'tip.updated',
      'tip.updated',
    ]);
    expect(events.every((e) => typeof e.ip === 'string' && e.ip.length > 0)).toBe(true);
  });

  it('refuses a stale version with 409 and an illegal transition with 409', async () => {
    const id = await tipIdOf(await submit(t));
    await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 1, priority: 'P4' })
      .expect(200);
    const stale = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(other))
      .send({ version: 1, priority: 'P1' })
      .expect(409);
    expect(stale.body.error.code).toBe('version_conflict');

    const illegal = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 2, status: 'actioned' })
      .expect(409);
    expect(illegal.body.error.code).toBe('invalid_transition');

    const dup = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(lead))
      .send({ version: 2, status: 'duplicate' })
      .expect(422);
    expect(dup.body.error.message).toContain('duplicateOf');
  });

  it('lets an analyst only propose a duplicate; a lead confirms it, and can undo it before purge', async () => {
    const original = await tipIdOf(await submit(t));
    const id = await tipIdOf(await submit(t));
    const patch = (who: StaffLogin, body: Record<string, unknown>) =>
      request(t.server)
        .patch(`/v1/triage/tips/${id}`)
        .set(...bearer(who))
        .send(body);
    const purge = async () =>
      withClient(async (c) => {
        const r = await c.query<{ purge_after: Date | null; duplicate_of: string | null }>(
          'SELECT purge_after, duplicate_of FROM tip WHERE id = $1',
          [id],
        );
        return r.rows[0]!;
      });

    let v = (await patch(analyst, { version: 1, status: 'triaging' }).expect(200)).body.version;
    const refused = await patch(analyst, {
      version: v,
      status: 'duplicate',
      duplicateOf: original,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('propose');
    // The proposal: duplicateOf set, status unchanged, no retention.
    const proposed = await patch(analyst, { version: v, duplicateOf: original }).expect(200);
    expect(proposed.body.status).toBe('triaging');
    expect(await purge()).toEqual({ purge_after: null, duplicate_of: original });
    v = proposed.body.version;

    v = (await patch(lead, { version: v, status: 'duplicate' }).expect(200)).body.version;
    expect((await purge()).purge_after).not.toBeNull();

    const undoByAnalyst = await patch(analyst, { version: v, status: 'triaging' });
    expect(undoByAnalyst.status).toBe(403);
    const undone = await patch(lead, { version: v, status: 'triaging' }).expect(200);
    expect(undone.body.status).toBe('triaging');
    expect(await purge()).toEqual({ purge_after: null, duplicate_of: null });
    // Closed stays final.
    await patch(lead, { version: undone.body.version, status: 'closed' }).expect(409);
  });

  it('keeps an analyst from changing the status of a tip assigned to someone else', async () => {
    const id = await tipIdOf(await submit(t));
    const assigned = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(lead))
      .send({ version: 1, assigneeId: other.id })
      .expect(200);
    const refused = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: assigned.body.version, status: 'triaging' })
      .expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(other))
      .send({ version: assigned.body.version, status: 'triaging' })
      .expect(200);
  });

  it('lets leads assign anyone and only leads set legal hold', async () => {
    const id = await tipIdOf(await submit(t));
    await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 1, assigneeId: other.id })
      .expect(403);
    await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(analyst))
      .send({ version: 1, legalHold: true })
      .expect(403);
    const assigned = await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(lead))
      .send({ version: 1, assigneeId: other.id })
      .expect(200);
    expect(assigned.body.assignee).toEqual({ id: other.id, username: other.username });
    const mine = await request(t.server)
      .get('/v1/triage/tips?assignee=me')
      .set(...bearer(other))
      .expect(200);
    expect(mine.body.tips.map((x: { id: string }) => x.id)).toContain(id);
    await request(t.server)
      .patch(`/v1/triage/tips/${id}`)
      .set(...bearer(other))
      .send({ version: 2, assigneeId: null })
      .expect(200);
  });

  it('pages with a keyset cursor in each sort order without gaps or repeats', async () => {
    const tag = `page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const id = await tipIdOf(
        await submit(t, { submitterUrgency: i % 3 === 0 ? 'immediate-danger' : 'weeks' }),
      );
      await request(t.server)
        .patch(`/v1/triage/tips/${id}`)
        .set(...bearer(lead))
        .send({ version: 1, tags: [tag] })
        .expect(200);
      ids.push(id);
    }
    for (const sort of ['received_desc', 'received_asc', 'priority']) {
      const seen: Array<{ id: string; priority: string; receivedAt: string }> = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: {
          body: {
            tips: Array<{ id: string; priority: string; receivedAt: string }>;
            nextCursor: string | null;
          };
        } = await request(t.server)
          .get(
            `/v1/triage/tips?tags=${tag}&sort=${sort}&limit=10${cursor ? `&cursor=${cursor}` : ''}`,
          )
          .set(...bearer(analyst))
          .expect(200);
        seen.push(...res.body.tips);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen.map((s) => s.id).sort()).toEqual([...ids].sort());
      type Row = { id: string; priority: string; receivedAt: string };
      const byReceived = (a: Row, b: Row) =>
        a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id);
      const compare: (a: Row, b: Row) => number =
        sort === 'received_asc'
          ? byReceived
          : sort === 'received_desc'
            ? (a, b) => byReceived(b, a)
            : (a, b) => a.priority.localeCompare(b.priority) || byReceived(b, a);
      expect(seen.map((s) => s.id)).toEqual([...seen].sort(compare).map((s) => s.id));
    }
  });

  it('validates the query: limit range, unknown parameters, cursors, ids', async () => {
    for (const q of [
      'limit=0',
      'limit=201',
      'limit=abc',
      'status=bogus',
      'bogus=1',
      'cursor=notacursor',
      'assignee=someone',
    ]) {
      const res = await request(t.server)
        .get(`/v1/triage/tips?${q}`)
        .set(...bearer(analyst))
        .expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const page = await request(t.server)
      .get('/v1/triage/tips?limit=1')
      .set(...bearer(analyst))
      .expect(200);
    await request(t.server)
      .get(`/v1/triage/tips?limit=1&sort=priority&cursor=${page.body.nextCursor}`)
      .set(...bearer(analyst))
      .expect(400);
    await request(t.server)
      .get(`/v1/triage/tips/${randomUUID()}`)
      .set(...bearer(analyst))
      .expect(404);
    await request(t.server)
      .get('/v1/triage/tips/not-a-uuid')
      .set(...bearer(analyst))
      .expect(404);
    await request(t.server)
      .get(`/v1/triage/tips/${randomUUID()}/payload`)
      .set(...bearer(analyst))
      .expect(404);
    await request(t.server)
      .patch(`/v1/triage/tips/${randomUUID()}`)
      .set(...bearer(analyst))
      .send({ version: 1, status: 'triaging', evil: 1 })
      .expect(400);
  });
});
