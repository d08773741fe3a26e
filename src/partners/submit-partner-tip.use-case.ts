import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { QueryFailedError, type DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { canonicalJson } from '../common/canonical-json.js';
import { errorBody } from '../common/error-body.js';
import { KeyError, verifyDetached } from '../crypto/openpgp.js';
import { PayloadEncryptor } from '../intake-keys/payload-encryptor.js';
import { Metrics } from '../metrics/metrics.service.js';
import { tipReceived } from '../webhooks/webhook-events.js';
import { WebhookEvents } from '../webhooks/webhook-events.service.js';
import { TIP_PAYLOAD_SCHEMA } from '../tips/intake/submit-tip.use-case.js';
import { generateTipReference } from '../tips/tip-reference.js';
import { DuplicateReferenceError, TipsRepository } from '../tips/tips.repository.js';
import { IdempotencyStore } from './idempotency.js';
import type { PartnerTipDto, SubmitPartnerTipDto } from './partner-tip.dto.js';
import { PartnerQuotaRepository } from './partner-quota.repository.js';
import { PartnerSigningKeysService } from './partner-signing-keys.service.js';

const URGENCY_PRIORITY = { 'immediate-danger': 1, days: 2, weeks: 3, unknown: 3 } as const;

type Json = Parameters<typeof canonicalJson>[0];

export interface PartnerSubmission {
  status: number;
  body: unknown;
  replayed: boolean;
}

function startOfNextUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/**
 * A partner's tip: idempotent by Idempotency-Key, unique by sourceRef,
 * optionally signed, within the daily quota, encrypted like a public tip.
 */
@Injectable()
export class SubmitPartnerTip {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tips: TipsRepository,
    private readonly signingKeys: PartnerSigningKeysService,
    private readonly encryptor: PayloadEncryptor,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: Metrics,
    private readonly events: WebhookEvents,
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

    const claim = await this.idempotency.claim(partner.partnerId, idempotencyKey, requestHash);
    if (claim.kind === 'replay') return { status: claim.status, body: claim.body, replayed: true };

    try {
      const body = await this.submit(partner, idempotencyKey, input, canonical);
      return { status: 201, body, replayed: false };
    } catch (err) {
      // A definite answer about this request is kept for retries; anything a
      // retry could change (quota, outage, a crash) gives the key back.
      if (err instanceof AppError && err.status < 500 && err.status !== 429) {
        await this.idempotency.complete(
          this.dataSource,
          partner.partnerId,
          idempotencyKey,
          err.status,
          errorBody(err.code, err.message, err.details),
        );
      } else {
        await this.idempotency.release(partner.partnerId, idempotencyKey);
      }
      throw err;
    }
  }

  private async submit(
    partner: PartnerPrincipal,
    idempotencyKey: string,
    input: SubmitPartnerTipDto,
    canonical: string,
  ): Promise<PartnerTipDto> {
    await this.assertSourceRefFree(partner.partnerId, input.sourceRef);

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
    const priority = input.classification?.priority
      ? Number(input.classification.priority.slice(1))
      : URGENCY_PRIORITY[input.submitterUrgency];
    for (let attempt = 1; ; attempt++) {
      const reference = generateTipReference();
      const { ciphertext, fingerprints } = await this.encryptor.encrypt(
        Buffer.from(
          canonicalJson({
            schema: TIP_PAYLOAD_SCHEMA,
            reference,
            channel: 'partner',
            partner: { id: partner.partnerId, name: partner.partnerName },
            receivedAt: receivedAt.toISOString(),
            category: input.category,
            submitterUrgency: input.submitterUrgency,
            sourceRef: input.sourceRef,
            narrative: input.narrative,
            location: input.location,
            occurredAt: input.occurredAt,
            peopleInvolved: input.peopleInvolved,
            organisationsInvolved: input.organisationsInvolved,
            contact: input.contact,
            indicators: input.indicators as unknown as Json,
            classification: input.classification as unknown as Json,
            signature: input.signature ? { signedBy, armored: input.signature } : undefined,
          }),
          'utf8',
        ),
      );
      const response: PartnerTipDto = {
        id,
        reference,
        sourceRef: input.sourceRef,
        status: 'received',
        receivedAt: receivedAt.toISOString(),
        signedBy,
      };
      try {
        await this.dataSource.transaction(async (m) => {
          // Counted in a row the transaction locks: instances agree, and a
          // refused or failed tip leaves the count as it was (rollback).
          const today = await this.quota.countOneMore(m, partner.partnerId, receivedAt);
          if (today > partner.tipsPerDay) {
            throw new AppError(
              'quota_exceeded',
              429,
              `Daily quota of ${partner.tipsPerDay} tips reached; it resets at 00:00 UTC.`,
              undefined,
              Math.ceil((startOfNextUtcDay(receivedAt).getTime() - Date.now()) / 1000),
            );
          }
          await this.tips.insert(
            {
              id,
              reference,
              channel: 'partner',
              partnerId: partner.partnerId,
              category: input.category,
              submitterUrgency: input.submitterUrgency,
              receivedAt,
              priority,
              tlp: input.classification?.tlp ?? 'amber',
              confidence: input.classification?.confidence ?? null,
              payload: Buffer.from(ciphertext),
              payloadBytes: ciphertext.byteLength,
              keyFingerprints: fingerprints,
              receiptHash: null,
              sourceRef: input.sourceRef,
              signerFingerprint: signedBy,
            },
            m,
          );
          await this.events.record(
            m,
            tipReceived(
              {
                id,
                reference,
                channel: 'partner',
                category: input.category,
                submitterUrgency: input.submitterUrgency,
                priority,
                receivedAt,
              },
              { id: partner.partnerId, name: partner.partnerName },
            ),
          );
          await this.idempotency.complete(m, partner.partnerId, idempotencyKey, 201, response);
        });
        this.metrics.tipsAccepted.inc({ channel: 'partner', category: input.category });
        return response;
      } catch (err) {
        if (err instanceof DuplicateReferenceError && attempt < 5) continue;
        if (
          err instanceof QueryFailedError &&
          (err.driverError as { constraint?: string }).constraint === 'tip_partner_source_ref_key'
        ) {
          await this.assertSourceRefFree(partner.partnerId, input.sourceRef);
        }
        throw err;
      }
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
