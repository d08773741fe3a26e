import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { ChangePieces, StatementPart } from '../../database/statement.js';
import type { PayloadEncryptor } from '../../intake-keys/payload-encryptor.js';
import type { WebhookEvent } from '../../webhooks/webhook-events.js';
import type { WebhookEventsService } from '../../webhooks/webhook-events.service.js';
import { TIP_REFERENCE_PATTERN } from '../tip-reference.js';
import type { NewTip, TipsRepository } from '../tips.repository.js';
import { MAX_REFERENCE_ATTEMPTS, TipEnvelope, type TipToStore } from './tip-envelope.js';

/** What PostgreSQL answers a duplicate with, as TypeORM hands it on. */
const duplicate = (constraint: string): QueryFailedError =>
  new QueryFailedError(
    'INSERT INTO "tip"',
    [],
    Object.assign(new Error('duplicate key'), { code: '23505', constraint }),
  );

/** `guardsWithRoom`: how many guards return a row (the next one refuses). */
function fakes(insertFailures: Error[] = [], guardsWithRoom = Infinity) {
  const log: string[] = [];
  const stored: NewTip[] = [];
  const events: WebhookEvent[] = [];
  const manager = {} as EntityManager;
  const dataSource = {
    async transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
      log.push('begin');
      try {
        const result = await work(manager);
        log.push('commit');
        return result;
      } catch (err) {
        log.push('rollback');
        throw err;
      }
    },
  };
  const encryptor = {
    encrypt(plaintext: Uint8Array) {
      const { reference } = JSON.parse(Buffer.from(plaintext).toString('utf8')) as {
        reference: string;
      };
      log.push(`seal ${reference}`);
      return Promise.resolve({
        ciphertext: new TextEncoder().encode(`sealed:${reference}`),
        fingerprints: ['FPR1', 'FPR2'],
      });
    },
  };
  const tips = {
    insert(m: EntityManager, tip: NewTip) {
      expect(m).toBe(manager);
      log.push(`insert ${tip.reference}`);
      const failure = insertFailures.shift();
      if (failure) return Promise.reject(failure);
      stored.push(tip);
      return Promise.resolve();
    },
    insertPart(tip: NewTip): StatementPart & { tip: NewTip } {
      return { name: 'tip', sql: () => 'INSERT INTO tip ...', tip };
    },
  };
  const webhookEvents = {
    /** The row, what goes with it and its event in one statement, outside any transaction. */
    recordWith(change: ChangePieces, event: WebhookEvent) {
      const tip = (change.row as StatementPart & { tip: NewTip }).tip;
      const guards = change.guards ?? [];
      const parts = [...guards, change.row, ...(change.alongside ?? [])].map((p) => p.name);
      log.push(`one statement ${tip.reference}: ${parts.join(' + ')} + event ${event.type}`);
      const failure = insertFailures.shift();
      if (failure) return Promise.reject(failure);
      if (guards.length > guardsWithRoom) {
        return Promise.resolve({ stored: false, guardsPassed: guardsWithRoom });
      }
      stored.push(tip);
      events.push(event);
      return Promise.resolve({ stored: true, guardsPassed: guards.length });
    },
    record(m: EntityManager, event: WebhookEvent) {
      expect(m).toBe(manager);
      log.push(`event ${event.type}`);
      events.push(event);
      return Promise.resolve();
    },
  };
  const envelope = new TipEnvelope(
    dataSource as unknown as DataSource,
    encryptor as unknown as PayloadEncryptor,
    tips as unknown as TipsRepository,
    webhookEvents as unknown as WebhookEventsService,
  );
  return { envelope, log, stored, events };
}

const RECEIVED = new Date('2026-03-01T12:34:00.000Z');
const draft = (over: Partial<TipToStore> = {}): TipToStore => ({
  row: {
    id: 'tip-id',
    channel: 'public',
    partnerId: null,
    category: 'cyber',
    submitterUrgency: 'days',
    receivedAt: RECEIVED,
    priority: 2,
    receiptHash: null,
    sourceRef: null,
    attachmentCount: 0,
  },
  content: (reference) => JSON.stringify({ reference, narrative: 'secret' }),
  ...over,
});

const refOf = (line: string): string => line.split(' ')[1]!;

const part = (name: string): StatementPart => ({ name, sql: () => name });

describe('TipEnvelope.store', () => {
  it('with files: seals first, then one transaction with the row, the adoption and tip.received', async () => {
    const { envelope, log, stored, events } = fakes();
    const tip = await envelope.store(
      draft({
        partner: { id: 'p-1', name: 'CERT' },
        after: (_m, t) => Promise.resolve(log.push(`after ${t.reference}`)),
      }),
    );
    expect(tip.reference).toMatch(TIP_REFERENCE_PATTERN);
    expect(log).toEqual([
      `seal ${tip.reference}`,
      'begin',
      `insert ${tip.reference}`,
      `after ${tip.reference}`,
      'event tip.received',
      'commit',
    ]);
    expect(stored).toEqual([tip]);
    expect(tip).toMatchObject({ id: 'tip-id', priority: 2, keyFingerprints: ['FPR1', 'FPR2'] });
    expect(tip.payload.toString('utf8')).toBe(`sealed:${tip.reference}`);
    expect(tip.payloadBytes).toBe(tip.payload.length);
    expect(events).toEqual([
      {
        type: 'tip.received',
        tip: {
          id: 'tip-id',
          reference: tip.reference,
          channel: 'public',
          category: 'cyber',
          submitterUrgency: 'days',
          priority: 2,
          receivedAt: RECEIVED,
          partner: { id: 'p-1', name: 'CERT' },
        },
      },
    ]);
  });

  it('without files: the guards, the row, what goes with it and the event are one statement', async () => {
    const { envelope, log, stored, events } = fakes();
    const seen: string[] = [];
    const tip = await envelope.store(
      draft({
        guards: (t) => {
          seen.push(t.reference);
          return [
            { part: part('quota'), refused: () => new Error('quota') },
            { part: part('idempotency_record'), refused: () => new Error('key taken') },
          ];
        },
        alongside: (t) => {
          seen.push(t.reference);
          return [part('also')];
        },
      }),
    );
    expect(log).toEqual([
      `seal ${tip.reference}`,
      `one statement ${tip.reference}: quota + idempotency_record + tip + also + event tip.received`,
    ]);
    expect(seen).toEqual([tip.reference, tip.reference]);
    expect(stored).toEqual([tip]);
    expect(events).toMatchObject([{ type: 'tip.received', tip: { id: 'tip-id', priority: 2 } }]);
  });

  it('throws what the first refusing guard says (the statement wrote no tip)', async () => {
    const quota = new Error('quota');
    const taken = new Error('key taken');
    const guards = () => [
      { part: part('quota'), refused: () => quota },
      { part: part('idempotency_record'), refused: () => taken },
    ];
    const full = fakes([], 0);
    await expect(full.envelope.store(draft({ guards }))).rejects.toBe(quota);
    expect(full.stored).toEqual([]);
    const raced = fakes([], 1);
    await expect(raced.envelope.store(draft({ guards }))).rejects.toBe(taken);
    expect(raced.stored).toEqual([]);
  });

  it('draws a new reference and seals again when the first is taken (23505 once)', async () => {
    const { envelope, log, stored } = fakes([duplicate('tip_reference_key')]);
    const tip = await envelope.store(draft());
    const [first, second] = log.filter((l) => l.startsWith('seal')).map(refOf);
    expect(first).not.toBe(second);
    expect(tip.reference).toBe(second);
    expect(log).toEqual([
      `seal ${first}`,
      `one statement ${first}: tip + event tip.received`,
      `seal ${second}`,
      `one statement ${second}: tip + event tip.received`,
    ]);
    expect(stored.map((t) => t.reference)).toEqual([second]);
    // The reference inside the ciphertext is the row's.
    expect(tip.payload.toString('utf8')).toBe(`sealed:${second}`);
  });

  it('draws again on the transaction path too (the adoption rolled back with the row)', async () => {
    const { envelope, log, stored } = fakes([duplicate('tip_reference_key')]);
    const tip = await envelope.store(draft({ after: () => Promise.resolve(log.push('after')) }));
    const [first, second] = log.filter((l) => l.startsWith('seal')).map(refOf);
    expect(tip.reference).toBe(second);
    expect(log).toEqual([
      `seal ${first}`,
      'begin',
      `insert ${first}`,
      'rollback',
      `seal ${second}`,
      'begin',
      `insert ${second}`,
      'after',
      'event tip.received',
      'commit',
    ]);
    expect(stored.map((t) => t.reference)).toEqual([second]);
  });

  it(`gives up after ${MAX_REFERENCE_ATTEMPTS} taken references`, async () => {
    const failures = Array.from({ length: MAX_REFERENCE_ATTEMPTS }, () =>
      duplicate('tip_reference_key'),
    );
    const last = failures.at(-1);
    const { envelope, log, stored } = fakes(failures);
    await expect(envelope.store(draft())).rejects.toBe(last);
    expect(log.filter((l) => l.startsWith('one statement'))).toHaveLength(MAX_REFERENCE_ATTEMPTS);
    expect(stored).toEqual([]);
  });

  it('retries nothing else: another unique constraint, or a step that refuses', async () => {
    const sourceRef = duplicate('tip_partner_source_ref_key');
    const taken = fakes([sourceRef]);
    await expect(taken.envelope.store(draft())).rejects.toBe(sourceRef);
    expect(taken.log.filter((l) => l.startsWith('one statement'))).toHaveLength(1);

    const adoption = new Error('adoption');
    const refused = fakes();
    await expect(
      refused.envelope.store(draft({ after: () => Promise.reject(adoption) })),
    ).rejects.toBe(adoption);
    expect(refused.log.slice(1)).toEqual(['begin', expect.stringMatching(/^insert /), 'rollback']);
  });

  it('refuses a guard together with an `after` step (a statement and a transaction do not mix)', async () => {
    const { envelope, log } = fakes();
    await expect(
      envelope.store(
        draft({
          guards: () => [{ part: part('quota'), refused: () => new Error('quota') }],
          after: () => Promise.resolve(),
        }),
      ),
    ).rejects.toThrow(/guard or rows alongside/);
    expect(log.filter((l) => l === 'begin')).toEqual([]);
  });
});
