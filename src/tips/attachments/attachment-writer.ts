import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import { APP_CONFIG } from '../../config/app-config.token.js';
import type { AppConfig } from '../../config/environment.js';
import { encryptStream, type RecipientKey } from '../../crypto/openpgp.js';
import { Attachment, AttachmentChunk } from '../message.entity.js';

/** Ciphertext is stored in rows of this size: big enough to be cheap, small enough to stream. */
export const CHUNK_BYTES = 256 * 1024;

export interface WrittenAttachment {
  n: number;
  name: string;
  type: string;
  size: number;
  sha256: string;
}

export class UploadBudget {
  used = 0;
  constructor(
    readonly perFile: number,
    readonly perRequest: number,
  ) {}
}

function tooLarge(what: string, limit: number): AppError {
  return new AppError(
    'payload_too_large',
    413,
    `${what} exceeds ${Math.floor(limit / (1024 * 1024))} MiB. Nothing was stored.`,
  );
}

/**
 * Streams one uploaded file through OpenPGP encryption into attachment_chunk
 * rows inside the caller's transaction. Plaintext never touches disk and
 * memory stays flat; limits are enforced as the bytes arrive.
 */
@Injectable()
export class AttachmentWriter {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  budget(): UploadBudget {
    return new UploadBudget(this.config.attachmentMaxBytes, this.config.uploadMaxBytes);
  }

  async write(
    manager: EntityManager,
    target: { tipId: string; messageId: string | null; n: number },
    file: { stream: Readable; name: string; type: string },
    recipients: readonly RecipientKey[],
    budget: UploadBudget,
  ): Promise<WrittenAttachment> {
    const id = uuidv7();
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        budget.used += chunk.length;
        if (size > budget.perFile) return done(tooLarge('A file', budget.perFile));
        if (budget.used > budget.perRequest) return done(tooLarge('The upload', budget.perRequest));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    file.stream.on('error', (err) => meter.destroy(err));
    file.stream.pipe(meter);

    const ciphertext = await encryptStream(Readable.toWeb(meter), recipients);
    let seq = 0;
    let stored = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await manager.insert(AttachmentChunk, { attachmentId: id, seq: seq++, data });
      stored += data.length;
    };
    for await (const chunk of Readable.fromWeb(ciphertext)) {
      const buf = chunk as Buffer;
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    await manager.insert(Attachment, {
      id,
      tipId: target.tipId,
      messageId: target.messageId,
      n: target.n,
      createdAt: new Date(),
      ciphertextBytes: String(stored),
      chunkCount: seq,
      keyFingerprints: recipients.map((r) => r.fingerprint),
    });
    return { n: target.n, name: file.name, type: file.type, size, sha256: hash.digest('hex') };
  }
}
