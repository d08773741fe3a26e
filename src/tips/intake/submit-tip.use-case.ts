import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource, EntityManager } from 'typeorm';
import { IntakeUnavailableError } from '../../common/app-error.js';
import { canonicalJson } from '../../common/canonical-json.js';
import { IntakeKeyRing } from '../../crypto/intake-key-ring.js';
import type { RecipientKey } from '../../crypto/openpgp.js';
import { PayloadEncryptor } from '../../crypto/payload-encryptor.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { tipReceived } from '../../webhooks/webhook-events.js';
import { WebhookEvents } from '../../webhooks/webhook-events.service.js';
import { generateReceipt, ReceiptHasher } from '../../crypto/receipts.js';
import { createSubmitterKey } from '../../crypto/submitter-keys.js';
import type { WrittenAttachment } from '../attachments/attachment-writer.js';
import type { SubmitterUrgency } from '../tip.entity.js';
import { generateTipReference } from '../tip-reference.js';
import { DuplicateReferenceError, TipsRepository, type NewTip } from '../tips.repository.js';
import type { SubmitPublicTipDto, SubmitTipResponseDto } from './submit-tip.dto.js';

/** Format tag inside every encrypted tip, so readers know how to interpret it. */
export const TIP_PAYLOAD_SCHEMA = 'tipline.tip/v1';

const INITIAL_PRIORITY: Record<SubmitterUrgency, number> = {
  'immediate-danger': 1,
  days: 2,
  weeks: 3,
  unknown: 3,
};

const MAX_REFERENCE_ATTEMPTS = 5;

/** Streams a request's files into the open transaction; returns what the envelope lists. */
export type AttachmentSource = (
  manager: EntityManager,
  tipId: string,
  recipients: readonly RecipientKey[],
) => Promise<WrittenAttachment[]>;

export function startOfMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}

/**
 * Takes a public tip: encrypts the content to every intake key and stores
 * ciphertext plus triage metadata, with its files in the same transaction.
 * Resolves only after the commit.
 */
@Injectable()
export class SubmitTip {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly encryptor: PayloadEncryptor,
    private readonly keyRing: IntakeKeyRing,
    private readonly receipts: ReceiptHasher,
    private readonly tips: TipsRepository,
    private readonly metrics: Metrics,
    private readonly events: WebhookEvents,
  ) {}

  async execute(
    input: SubmitPublicTipDto,
    attachments?: AttachmentSource,
  ): Promise<SubmitTipResponseDto> {
    const receivedAt = startOfMinute(new Date());
    // UUIDv7 with the minute as its time part: the id must not carry a finer arrival time.
    const id = uuidv7({ msecs: receivedAt.getTime() });
    const receipt = generateReceipt();
    const allowReplies = input.allowReplies ?? true;
    const replyKey = allowReplies ? createSubmitterKey(receipt, id) : null;
    const base = {
      id,
      channel: 'public' as const,
      partnerId: null,
      category: input.category,
      submitterUrgency: input.submitterUrgency,
      receivedAt,
      priority: INITIAL_PRIORITY[input.submitterUrgency],
      receiptHash: this.receipts.hash(receipt),
      sourceRef: null,
      allowReplies,
      submitterPublicKey: replyKey?.publicKey ?? null,
      submitterWrappedKey: replyKey?.wrappedPrivateKey ?? null,
    };

    if (!attachments) {
      for (let attempt = 1; ; attempt++) {
        const tip = await this.build(base, input, []);
        try {
          await this.events.commitWith(
            this.dataSource,
            (m) => this.tips.insert(tip, m),
            tipReceived(tip),
          );
          this.metrics.tipsAccepted.inc({ channel: 'public', category: input.category });
          return { reference: tip.reference, receipt, status: 'received' };
        } catch (err) {
          if (err instanceof DuplicateReferenceError && attempt < MAX_REFERENCE_ATTEMPTS) continue;
          throw err;
        }
      }
    }

    const recipients = this.keyRing.active();
    if (recipients.length === 0) throw new IntakeUnavailableError();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const files = await attachments(runner.manager, id, recipients);
      for (let attempt = 1; ; attempt++) {
        const tip = await this.build(base, input, files);
        await runner.query('SAVEPOINT tip_insert');
        try {
          await this.tips.insert(tip, runner.manager);
          await this.events.record(runner.manager, tipReceived(tip));
          await runner.commitTransaction();
          this.metrics.tipsAccepted.inc({ channel: 'public', category: input.category });
          return { reference: tip.reference, receipt, status: 'received' };
        } catch (err) {
          if (err instanceof DuplicateReferenceError && attempt < MAX_REFERENCE_ATTEMPTS) {
            await runner.query('ROLLBACK TO SAVEPOINT tip_insert');
            continue;
          }
          throw err;
        }
      }
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async build(
    base: Omit<NewTip, 'reference' | 'payload' | 'payloadBytes' | 'keyFingerprints'>,
    input: SubmitPublicTipDto,
    files: WrittenAttachment[],
  ): Promise<NewTip> {
    const reference = generateTipReference();
    // The reference and metadata are inside the ciphertext too, binding it to its row.
    const content = canonicalJson({
      schema: TIP_PAYLOAD_SCHEMA,
      reference,
      channel: 'public',
      receivedAt: base.receivedAt.toISOString(),
      category: input.category,
      submitterUrgency: input.submitterUrgency,
      narrative: input.narrative,
      location: input.location,
      occurredAt: input.occurredAt,
      peopleInvolved: input.peopleInvolved,
      organisationsInvolved: input.organisationsInvolved,
      contact: input.contact,
      attachments:
        files.length > 0
          ? files.map((f) => ({
              n: f.n,
              name: f.name,
              type: f.type,
              size: f.size,
              sha256: f.sha256,
            }))
          : undefined,
    });
    const { ciphertext, fingerprints } = await this.encryptor.encrypt(Buffer.from(content, 'utf8'));
    return {
      ...base,
      reference,
      payload: Buffer.from(ciphertext),
      payloadBytes: ciphertext.byteLength,
      keyFingerprints: fingerprints,
      attachmentCount: files.length,
    };
  }
}
