import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource } from 'typeorm';
import { IntakeUnavailableError } from '../../common/app-error.js';
import { canonicalJson } from '../../common/canonical-json.js';
import { IntakeKeyRing } from '../../intake-keys/intake-key-ring.js';
import type { RecipientKey } from '../../crypto/openpgp.js';
import { PayloadEncryptor } from '../../intake-keys/payload-encryptor.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { tipReceived } from '../../webhooks/webhook-events.js';
import { WebhookEvents } from '../../webhooks/webhook-events.service.js';
import { generateReceipt, ReceiptHasher } from '../../crypto/receipts.js';
import { createSubmitterKey } from '../../crypto/submitter-keys.js';
import type { StagedFile, WrittenAttachment } from '../attachments/attachment-writer.js';
import { StagedAttachmentsRepository } from '../attachments/staged-attachments.repository.js';
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

/**
 * Streams a request's files into staged rows (no transaction open while the
 * client sends); the tip's transaction adopts them.
 */
export type AttachmentSource = (recipients: readonly RecipientKey[]) => Promise<StagedFile[]>;

export function startOfMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}

/**
 * Takes a public tip: encrypts the content to every intake key and stores
 * ciphertext plus triage metadata. Files are staged first, as they arrive;
 * one short transaction then creates the tip and adopts them. Resolves only
 * after that commit; a tip with files does not exist before it.
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
    private readonly staged: StagedAttachmentsRepository,
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
    const staged: StagedFile[] = [];
    try {
      staged.push(...(await attachments(recipients)));
      const files: WrittenAttachment[] = staged.map((f, i) => ({ ...f, n: i + 1 }));
      for (let attempt = 1; ; attempt++) {
        // Encrypted before the transaction opens: it holds no connection while workers run.
        const tip = await this.build(base, input, files);
        try {
          await this.dataSource.transaction(async (manager) => {
            await this.tips.insert(tip, manager);
            await this.staged.adopt(manager, { tipId: id, messageId: null }, files);
            await this.events.record(manager, tipReceived(tip));
          });
          this.metrics.tipsAccepted.inc({ channel: 'public', category: input.category });
          return { reference: tip.reference, receipt, status: 'received' };
        } catch (err) {
          if (err instanceof DuplicateReferenceError && attempt < MAX_REFERENCE_ATTEMPTS) continue;
          throw err;
        }
      }
    } catch (err) {
      await this.staged.discard(staged.map((f) => f.id)).catch(() => undefined);
      throw err;
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
