import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../database/unique-violation.js';
import { PayloadEncryptor } from '../../intake-keys/payload-encryptor.js';
import { tipReceived } from '../../webhooks/webhook-events.js';
import { WebhookEventsService } from '../../webhooks/webhook-events.service.js';
import { generateTipReference } from '../tip-reference.js';
import { TipsRepository, type NewTip } from '../tips.repository.js';

/** 40 random bits: a second collision in a row means something else is wrong. */
export const MAX_REFERENCE_ATTEMPTS = 5;

/** A new tip before the envelope adds its reference and ciphertext. */
export interface TipToStore {
  row: Omit<NewTip, 'reference' | 'payload' | 'payloadBytes' | 'keyFingerprints'>;
  /** The plaintext for a drawn reference (the reference is inside the ciphertext too). */
  content: (reference: string) => string;
  /** Named in the tip.received event (a partner's tip). */
  partner?: { id: string; name: string };
  /** First in the transaction, before the tip is written (a quota that may refuse it). */
  before?: (manager: EntityManager) => Promise<unknown>;
  /** After the tip is written, before its event (adopting files, the idempotent answer). */
  after?: (manager: EntityManager, tip: NewTip) => Promise<unknown>;
}

/**
 * The one way a tip is stored: its content encrypted to every intake key
 * before a transaction opens (no connection held while workers run), then
 * one transaction with the row, what the caller adds and the tip.received
 * event; with nothing added, one statement writes the row and the event
 * (atomic on its own: one round trip instead of four). A reference already taken is drawn again, and the content sealed
 * again, since the reference is inside it.
 */
@Injectable()
export class TipEnvelope {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly encryptor: PayloadEncryptor,
    private readonly tips: TipsRepository,
    private readonly events: WebhookEventsService,
  ) {}

  /** Resolves with the stored tip only after its transaction has committed. */
  async store(draft: TipToStore): Promise<NewTip> {
    for (let attempt = 1; ; attempt++) {
      const reference = generateTipReference();
      const { ciphertext, fingerprints } = await this.encryptor.encrypt(
        Buffer.from(draft.content(reference), 'utf8'),
      );
      const tip: NewTip = {
        ...draft.row,
        reference,
        payload: Buffer.from(ciphertext),
        payloadBytes: ciphertext.byteLength,
        keyFingerprints: fingerprints,
      };
      try {
        if (!draft.before && !draft.after) {
          // Nothing else to write: the row and its event are one statement, no transaction.
          await this.events.recordWith(
            this.tips.insertStatement(tip),
            tipReceived(tip, draft.partner),
          );
          return tip;
        }
        await this.dataSource.transaction(async (m) => {
          if (draft.before) await draft.before(m);
          await this.tips.insert(m, tip);
          if (draft.after) await draft.after(m, tip);
          await this.events.record(m, tipReceived(tip, draft.partner));
        });
        return tip;
      } catch (err) {
        if (isUniqueViolation(err, 'tip_reference_key') && attempt < MAX_REFERENCE_ATTEMPTS) {
          continue;
        }
        throw err;
      }
    }
  }
}
