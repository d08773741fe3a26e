import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../database/unique-violation.js';
import { PayloadEncryptor } from '../../intake-keys/payload-encryptor.js';
import { tipReceived } from '../../webhooks/webhook-events.js';
import { WebhookEventsService } from '../../webhooks/webhook-events.service.js';
import { generateTipReference } from '../tip-reference.js';
import { TipsRepository, type NewTip } from '../tips.repository.js';
import type { StatementPart } from '../../database/statement.js';

/** 40 random bits: a second collision in a row means something else is wrong. */
export const MAX_REFERENCE_ATTEMPTS = 5;

export interface StoreGuard {
  part: StatementPart;
  refused: () => Error;
}

/** A new tip before the envelope adds its reference and ciphertext. */
export interface TipToStore {
  row: Omit<NewTip, 'reference' | 'payload' | 'payloadBytes' | 'keyFingerprints'>;
  /** The plaintext for a drawn reference (the reference is inside the ciphertext too). */
  content: (reference: string) => string;
  /** Named in the tip.received event (a partner's tip). */
  partner?: { id: string; name: string };
  /**
   * Written first, in the same statement, in order, each only when the one
   * before returned a row; the tip is stored only when all return a row (a
   * quota with room, an Idempotency-Key not taken). Otherwise the first that
   * did not throws `refused()`; the tip and what goes with it are not
   * written (the guards before it are).
   */
  guards?: (tip: NewTip) => StoreGuard[];
  /** Written with the tip, in the same statement (the idempotent answer). */
  alongside?: (tip: NewTip) => StatementPart[];
  /**
   * After the tip is written, before its event, in one transaction (adopting
   * files: rows a statement cannot take in one piece). Not with `guards`.
   */
  after?: (manager: EntityManager, tip: NewTip) => Promise<unknown>;
}

/**
 * The one way a tip is stored: its content encrypted to every intake key
 * before anything is written (no connection held while workers run). Then,
 * without files, one statement writes the row, what goes with it (a quota,
 * the idempotent answer) and the tip.received event: atomic on its own, one
 * round trip where a transaction took four to seven. With files, one
 * transaction writes the row, adopts them and records the event. A
 * reference already taken is drawn again, and the content sealed again,
 * since the reference is inside it.
 */
@Injectable()
export class TipEnvelope {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly encryptor: PayloadEncryptor,
    private readonly tips: TipsRepository,
    private readonly events: WebhookEventsService,
  ) {}

  /** Resolves with the stored tip only after it has committed. */
  async store(draft: TipToStore): Promise<NewTip> {
    if (draft.after && (draft.guards || draft.alongside)) {
      throw new Error('TipEnvelope: a guard or rows alongside go with no `after` step');
    }
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
        if (!draft.after) {
          // The row, what goes with it and its event: one statement, no transaction.
          const guards = draft.guards?.(tip) ?? [];
          const { stored, guardsPassed } = await this.events.recordWith(
            {
              guards: guards.map((g) => g.part),
              row: this.tips.insertPart(tip),
              alongside: draft.alongside?.(tip),
            },
            tipReceived(tip, draft.partner),
          );
          if (!stored) {
            const refusing = guards[guardsPassed];
            if (!refusing)
              throw new Error('TipEnvelope: the statement wrote no tip, yet no guard refused');
            throw refusing.refused();
          }
          return tip;
        }
        await this.dataSource.transaction(async (m) => {
          await this.tips.insert(m, tip);
          await draft.after!(m, tip);
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
