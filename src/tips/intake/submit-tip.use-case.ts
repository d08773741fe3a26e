import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { IntakeUnavailableError } from '../../common/app-error.js';
import { IntakeKeyRing } from '../../intake-keys/intake-key-ring.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { generateReceipt, ReceiptHasher } from '../../crypto/receipts.js';
import { createSubmitterKey } from '../../crypto/submitter-keys.js';
import type {
  StagedFile,
  StagedFileSource,
  WrittenAttachment,
} from '../attachments/attachment-writer.js';
import { StagedAttachmentsRepository } from '../attachments/staged-attachments.repository.js';
import { initialPriority, publicTipContent, startOfMinute } from '../envelope/envelope.js';
import { TipEnvelope } from '../envelope/tip-envelope.js';
import type { SubmitPublicTipDto, SubmitTipResponseDto } from './submit-tip.dto.js';

/**
 * Takes a public tip: encrypts the content to every intake key and stores
 * ciphertext plus triage metadata. Files are staged first, as they arrive;
 * one short transaction then creates the tip and adopts them. Resolves only
 * after that commit; a tip with files does not exist before it.
 */
@Injectable()
export class SubmitTip {
  constructor(
    private readonly envelope: TipEnvelope,
    private readonly keyRing: IntakeKeyRing,
    private readonly receipts: ReceiptHasher,
    private readonly metrics: MetricsService,
    private readonly staged: StagedAttachmentsRepository,
  ) {}

  async execute(
    input: SubmitPublicTipDto,
    attachments?: StagedFileSource,
  ): Promise<SubmitTipResponseDto> {
    const receivedAt = startOfMinute(new Date());
    // UUIDv7 with the minute as its time part: the id must not carry a finer arrival time.
    const id = uuidv7({ msecs: receivedAt.getTime() });
    const receipt = generateReceipt();
    const allowReplies = input.allowReplies ?? true;
    const replyKey = allowReplies ? createSubmitterKey(receipt, id) : null;
    const row = {
      id,
      channel: 'public' as const,
      partnerId: null,
      category: input.category,
      submitterUrgency: input.submitterUrgency,
      receivedAt,
      priority: initialPriority(input.submitterUrgency),
      receiptHash: this.receipts.hash(receipt),
      sourceRef: null,
      allowReplies,
      submitterPublicKey: replyKey?.publicKey ?? null,
      submitterWrappedKey: replyKey?.wrappedPrivateKey ?? null,
    };

    const staged: StagedFile[] = [];
    try {
      if (attachments) {
        const recipients = this.keyRing.active();
        if (recipients.length === 0) throw new IntakeUnavailableError();
        staged.push(...(await attachments(recipients)));
      }
      const files: WrittenAttachment[] = staged.map((f, i) => ({ ...f, n: i + 1 }));
      const tip = await this.envelope.store({
        row: { ...row, attachmentCount: files.length },
        content: (reference) => publicTipContent({ reference, receivedAt }, input, files),
        after:
          files.length > 0
            ? (m) => this.staged.adopt(m, { tipId: id, messageId: null }, files)
            : undefined,
      });
      this.metrics.tipsAccepted.inc({ channel: 'public', category: input.category });
      return { reference: tip.reference, receipt, status: 'received' };
    } catch (err) {
      await this.staged.discard(staged.map((f) => f.id)).catch(() => undefined);
      throw err;
    }
  }
}
