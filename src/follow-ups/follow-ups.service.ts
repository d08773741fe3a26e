import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource } from 'typeorm';
import { AppError, IntakeUnavailableError } from '../common/app-error.js';
import { IntakeKeyRing } from '../intake-keys/intake-key-ring.js';
import { PayloadEncryptor } from '../intake-keys/payload-encryptor.js';
import {
  openForSubmitter,
  sealForSubmitter,
  unwrapSubmitterKey,
} from '../crypto/submitter-keys.js';
import type {
  StagedFile,
  StagedFileSource,
  WrittenAttachment,
} from '../tips/attachments/attachment-writer.js';
import { StagedAttachmentsRepository } from '../tips/attachments/staged-attachments.repository.js';
import { messageContent, sealedMessageContent, startOfMinute } from '../tips/envelope/envelope.js';
import { MessagesRepository } from '../tips/messages.repository.js';
import { publicStatus } from '../tips/public-status.js';
import type {
  CheckInResponseDto,
  FollowUpMessageDto,
  FollowUpMessageResponseDto,
  ThreadEntryDto,
} from './follow-ups.dto.js';
import { ReceiptLookup } from './receipt-lookup.js';
import { WebhookEventsService } from '../webhooks/webhook-events.service.js';

/** The submitter's side of the conversation: check in with the receipt, add messages. */
@Injectable()
export class FollowUpsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lookup: ReceiptLookup,
    private readonly messages: MessagesRepository,
    private readonly encryptor: PayloadEncryptor,
    private readonly keyRing: IntakeKeyRing,
    private readonly events: WebhookEventsService,
    private readonly staged: StagedAttachmentsRepository,
  ) {}

  async checkIn(receipt: string): Promise<CheckInResponseDto> {
    const tip = await this.lookup.find(receipt);
    // The private key exists in memory for this request only.
    const privateKey =
      tip.submitterWrappedKey !== null
        ? unwrapSubmitterKey(tip.submitterWrappedKey, receipt, tip.id)
        : null;
    try {
      const rows = await this.messages.listForTip(tip.id, 'submitter');
      const thread: ThreadEntryDto[] = [];
      for (const row of rows) {
        let body: string | null = null;
        if (privateKey && row.submitter_sealed) {
          const opened = await openForSubmitter(privateKey, row.submitter_sealed, tip.id);
          body = (JSON.parse(opened.toString('utf8')) as { body: string }).body;
        }
        thread.push({
          from: row.direction === 'submitter' ? 'you' : 'analyst',
          at: row.created_at.toISOString(),
          body,
          attachments: row.attachment_count,
        });
      }
      return {
        reference: tip.reference,
        status: publicStatus(tip.status),
        receivedAt: tip.receivedAt.toISOString(),
        repliesEnabled: tip.allowReplies,
        thread,
      };
    } finally {
      privateKey?.fill(0);
    }
  }

  async addMessage(
    input: FollowUpMessageDto,
    files?: StagedFileSource,
  ): Promise<FollowUpMessageResponseDto> {
    const tip = await this.lookup.find(input.receipt);
    if (tip.status === 'closed' || tip.status === 'duplicate') {
      throw new AppError('conflict', 409, 'This tip is closed; submit a new tip instead.');
    }
    const recipients = this.keyRing.active();
    if (recipients.length === 0) throw new IntakeUnavailableError();
    const at = startOfMinute(new Date());
    // Like the time, the id carries the minute only.
    const id = uuidv7({ msecs: at.getTime() });

    // Files are staged as they arrive: no transaction is open while the client sends.
    const stagedFiles: StagedFile[] = [];
    try {
      if (files) stagedFiles.push(...(await files(recipients)));
      const sealed = tip.submitterPublicKey
        ? await sealForSubmitter(
            tip.submitterPublicKey,
            Buffer.from(sealedMessageContent(input.body)),
            tip.id,
          )
        : null;
      // Short: numbering, encryption on a worker, the inserts; no network wait on the client.
      await this.dataSource.transaction(async (manager) => {
        let attachments: WrittenAttachment[] = [];
        if (stagedFiles.length > 0) {
          const firstN = await this.messages.nextAttachmentNumber(manager, tip.id);
          attachments = stagedFiles.map((f, i) => ({ ...f, n: firstN + i }));
        }
        const { ciphertext, fingerprints } = await this.encryptor.encrypt(
          Buffer.from(
            messageContent(
              { id, tipId: tip.id, reference: tip.reference, at, from: 'submitter' },
              input.body,
              attachments,
            ),
          ),
        );
        await this.messages.insert(manager, {
          id,
          tipId: tip.id,
          direction: 'submitter',
          authorId: null,
          createdAt: at,
          body: Buffer.from(ciphertext),
          keyFingerprints: fingerprints,
          submitterSealed: sealed,
          attachmentCount: attachments.length,
        });
        if (attachments.length > 0) {
          await this.staged.adopt(manager, { tipId: tip.id, messageId: id }, attachments);
          await this.messages.countAttachmentsOnTip(manager, tip.id, attachments.length);
        }
        await this.events.record(manager, {
          type: 'follow-up.received',
          tip: { id: tip.id, reference: tip.reference },
        });
      });
      return { status: 'received', at: at.toISOString(), attachments: stagedFiles.length };
    } catch (err) {
      await this.staged.discard(stagedFiles.map((f) => f.id)).catch(() => undefined);
      throw err;
    }
  }
}
