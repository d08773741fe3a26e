import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../common/app-error.js';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { canonicalJson } from '../common/canonical-json.js';
import { errorBody } from '../common/error-body.js';
import { KeyError, verifyDetached } from '../crypto/openpgp.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { initialPriority, partnerTipContent } from '../tips/envelope/envelope.js';
import { TipEnvelope } from '../tips/envelope/tip-envelope.js';
import { TipsRepository } from '../tips/tips.repository.js';
import { idempotencyInFlight, IdempotencyKeyTakenError, IdempotencyStore } from './idempotency.js';
import type { PartnerTipDto, SubmitPartnerTipDto } from './partner-tip.dto.js';
import { PartnerQuotaRepository } from './partner-quota.repository.js';
import { PartnerSigningKeysService } from './partner-signing-keys.service.js';

type Json = Parameters<typeof canonicalJson>[0];

export interface PartnerSubmission {
  status: number;
  body: unknown;
  replayed: boolean;
}

function startOfNextUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function quotaExceeded(tipsPerDay: number, receivedAt: Date): AppError {
  return new AppError(
    'quota_exceeded',
    429,
    `Daily quota of ${tipsPerDay} tips reached; it resets at 00:00 UTC.`,
    undefined,
    Math.ceil((startOfNextUtcDay(receivedAt).getTime() - Date.now()) / 1000),
  );
}

/**
 * A partner's tip: idempotent by Idempotency-Key, unique by sourceRef,
 * optionally signed, within the daily quota, encrypted like a public tip.
 */
@Injectable()
export class SubmitPartnerTip {
  constructor(
    private readonly tips: TipsRepository,
    private readonly envelope: TipEnvelope,
    private readonly signingKeys: PartnerSigningKeysService,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: MetricsService,
    private readonly quota: PartnerQuotaRepository,
  ) {}

  async execute(
    partner: PartnerPrincipal,
    idempotencyKey: string,
    input: SubmitPartnerTipDto,
  ): Promise<PartnerSubmission> {
    const { signature, ...content } = input;
    const canonical = canonicalJson(content as unknown as Json);
    const requestHash = createHash('sha256')
      .update(canonicalJson({ content: content as unknown as Json, signature: signature ?? null }))
      .digest();

    const done = this.idempotency.enter(partner.partnerId, idempotencyKey, requestHash);
    try {
      const found = await this.idempotency.lookup(partner.partnerId, idempotencyKey, requestHash);
      if (found.kind === 'replay')
        return { status: found.status, body: found.body, replayed: true };
      try {
        const body = await this.submit(partner, idempotencyKey, requestHash, input, canonical);
        return { status: 201, body, replayed: false };
      } catch (err) {
        if (err instanceof IdempotencyKeyTakenError) {
          // A request with this key on another instance committed first: its answer.
          const first = await this.idempotency.lookup(
            partner.partnerId,
            idempotencyKey,
            requestHash,
          );
          if (first.kind === 'replay') {
            return { status: first.status, body: first.body, replayed: true };
          }
          throw idempotencyInFlight();
        }
        // A definite answer about this request is kept for retries; anything a
        // retry could change (quota, outage, a crash) stores nothing.
        if (err instanceof AppError && err.status < 500 && err.status !== 429) {
          await this.idempotency.record(
            partner.partnerId,
            idempotencyKey,
            requestHash,
            err.status,
            errorBody(err.code, err.message, err.details),
          );
        }
        throw err;
      }
    } finally {
      done();
    }
  }

  private async submit(
    partner: PartnerPrincipal,
    idempotencyKey: string,
    requestHash: Buffer,
    input: SubmitPartnerTipDto,
    canonical: string,
  ): Promise<PartnerTipDto> {
    // A sourceRef already used is found by the tip's unique index when the
    // statement runs, or looked up when the quota refused it (the catch
    // below): no lookup before every tip.
    let signedBy: string | null = null;
    if (input.signature !== undefined) {
      try {
        signedBy = await verifyDetached(
          Buffer.from(canonical, 'utf8'),
          input.signature,
          await this.signingKeys.activeSigningKeys(partner.partnerId),
        );
      } catch (err) {
        if (!(err instanceof KeyError)) throw err;
        throw new AppError(
          'signature_invalid',
          422,
          `The signature does not verify: ${err.message}.`,
        );
      }
    } else if (partner.requireSignature) {
      throw new AppError('signature_invalid', 422, 'This partner must sign its submissions.');
    }

    const receivedAt = new Date();
    const id = uuidv7();
    const answer = (reference: string): PartnerTipDto => ({
      id,
      reference,
      sourceRef: input.sourceRef,
      status: 'received',
      receivedAt: receivedAt.toISOString(),
      signedBy,
    });
    const named = { id: partner.partnerId, name: partner.partnerName };
    try {
      const tip = await this.envelope.store({
        row: {
          id,
          channel: 'partner',
          partnerId: partner.partnerId,
          category: input.category,
          submitterUrgency: input.submitterUrgency,
          receivedAt,
          priority: initialPriority(input.submitterUrgency, input.classification?.priority),
          tlp: input.classification?.tlp ?? 'amber',
          confidence: input.classification?.confidence ?? null,
          receiptHash: null,
          sourceRef: input.sourceRef,
          signerFingerprint: signedBy,
        },
        content: (reference) =>
          partnerTipContent(
            { reference, receivedAt },
            named,
            input,
            input.signature ? { signedBy, armored: input.signature } : undefined,
          ),
        partner: named,
        guards: (tip) => [
          // Counted in a row the statement locks: instances agree, and a
          // refused or failed tip leaves the count as it was.
          {
            part: this.quota.countOneMoreWithin(partner.partnerId, receivedAt, partner.tipsPerDay),
            refused: () => quotaExceeded(partner.tipsPerDay, receivedAt),
          },
          // The key with its answer: the tip only if the key is still free.
          {
            part: this.idempotency.recordPart(
              partner.partnerId,
              idempotencyKey,
              requestHash,
              201,
              answer(tip.reference),
            ),
            refused: () => new IdempotencyKeyTakenError(),
          },
        ],
      });
      this.metrics.tipsAccepted.inc({ channel: 'partner', category: input.category });
      return answer(tip.reference);
    } catch (err) {
      if (err instanceof IdempotencyKeyTakenError) {
        // The quota guard counted before the key's guard refused: give it back.
        await this.quota.countOneLess(partner.partnerId, receivedAt);
        throw err;
      }
      // The statement wrote nothing (the quota count included). A reused
      // sourceRef is a definite 409 (the index found it, or, at a full quota,
      // the row was never tried): name the tip that has it.
      if (
        isUniqueViolation(err, 'tip_partner_source_ref_key') ||
        (err instanceof AppError && err.code === 'quota_exceeded')
      ) {
        await this.assertSourceRefFree(partner.partnerId, input.sourceRef);
      }
      throw err;
    }
  }

  private async assertSourceRefFree(partnerId: string, sourceRef: string): Promise<void> {
    const existing = await this.tips.findForPartner(partnerId, { sourceRef });
    if (existing) {
      throw new AppError(
        'source_ref_conflict',
        409,
        `sourceRef was already submitted as ${existing.reference} (id ${existing.id}).`,
        [{ field: 'sourceRef', problem: `already used by tip ${existing.id}` }],
      );
    }
  }
}
