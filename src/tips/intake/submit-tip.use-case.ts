import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { canonicalJson } from '../../common/canonical-json.js';
import { PayloadEncryptor } from '../../crypto/payload-encryptor.js';
import { generateReceipt, ReceiptHasher } from '../../crypto/receipts.js';
import type { SubmitterUrgency } from '../tip.entity.js';
import { generateTipReference } from '../tip-reference.js';
import { DuplicateReferenceError, TipsRepository } from '../tips.repository.js';
import type { SubmitTipDto, SubmitTipResponseDto } from './submit-tip.dto.js';

/** Format tag inside every encrypted tip, so readers know how to interpret it. */
export const TIP_PAYLOAD_SCHEMA = 'tipline.tip/v1';

const INITIAL_PRIORITY: Record<SubmitterUrgency, number> = {
  'immediate-danger': 1,
  days: 2,
  weeks: 3,
  unknown: 3,
};

const MAX_REFERENCE_ATTEMPTS = 5;

function startOfMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}

/**
 * Takes a public tip: encrypts the content to every intake key and stores
 * ciphertext plus triage metadata. Resolves only after the row is committed.
 */
@Injectable()
export class SubmitTip {
  constructor(
    private readonly encryptor: PayloadEncryptor,
    private readonly receipts: ReceiptHasher,
    private readonly tips: TipsRepository,
  ) {}

  async execute(input: SubmitTipDto): Promise<SubmitTipResponseDto> {
    const receivedAt = startOfMinute(new Date());
    // UUIDv7 with the minute as its time part: the id must not carry a finer arrival time.
    const id = uuidv7({ msecs: receivedAt.getTime() });
    const receipt = generateReceipt();
    const receiptHash = this.receipts.hash(receipt);

    for (let attempt = 1; ; attempt++) {
      const reference = generateTipReference();
      // The reference and metadata are inside the ciphertext too, binding it to its row.
      const content = canonicalJson({
        schema: TIP_PAYLOAD_SCHEMA,
        reference,
        channel: 'public',
        receivedAt: receivedAt.toISOString(),
        category: input.category,
        submitterUrgency: input.submitterUrgency,
        narrative: input.narrative,
        location: input.location,
        occurredAt: input.occurredAt,
        peopleInvolved: input.peopleInvolved,
        organisationsInvolved: input.organisationsInvolved,
        contact: input.contact,
      });
      const { ciphertext, fingerprints } = await this.encryptor.encrypt(
        Buffer.from(content, 'utf8'),
      );
      try {
        await this.tips.insert({
          id,
          reference,
          channel: 'public',
          partnerId: null,
          category: input.category,
          submitterUrgency: input.submitterUrgency,
          receivedAt,
          priority: INITIAL_PRIORITY[input.submitterUrgency],
          payload: Buffer.from(ciphertext),
          payloadBytes: ciphertext.byteLength,
          keyFingerprints: fingerprints,
          receiptHash,
          sourceRef: null,
        });
        return { reference, receipt, status: 'received' };
      } catch (err) {
        if (err instanceof DuplicateReferenceError && attempt < MAX_REFERENCE_ATTEMPTS) continue;
        throw err;
      }
    }
  }
}
