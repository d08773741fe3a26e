import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../common/app-error.js';
import { APP_CONFIG } from '../../config/app-config.token.js';
import type { AppConfig } from '../../config/environment.js';
import { encryptStream, type RecipientKey } from '../../crypto/openpgp.js';
import { StagedAttachmentsRepository } from './staged-attachments.repository.js';

/** Ciphertext is stored in rows of this size: big enough to be cheap, small enough to stream. */
export const CHUNK_BYTES = 256 * 1024;

/** A file encrypted into staged rows, waiting for its tip or message to adopt it. */
export interface StagedFile {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
}

/**
 * Streams a request's files into staged rows (no transaction open while the
 * client sends); the transaction of the tip or message adopts them.
 */
export type StagedFileSource = (recipients: readonly RecipientKey[]) => Promise<StagedFile[]>;

/** What the encrypted envelope lists of each file. */
export interface WrittenAttachment extends StagedFile {
  n: number;
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
 * Streams one uploaded file through OpenPGP encryption into staged
 * attachment_chunk rows, one short autocommit statement per chunk: no
 * connection or transaction is held while the client sends. Plaintext never
 * touches disk and memory stays flat; limits are enforced as the bytes arrive.
 */
@Injectable()
export class AttachmentWriter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly staged: StagedAttachmentsRepository,
  ) {}

  budget(): UploadBudget {
    return new UploadBudget(this.config.attachmentMaxBytes, this.config.uploadMaxBytes);
  }

  /** `stagedIds` receives the file's id before its first row, so a caller can discard it. */
  async write(
    file: { stream: Readable; name: string; type: string },
    recipients: readonly RecipientKey[],
    budget: UploadBudget,
    stagedIds: string[],
  ): Promise<StagedFile> {
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

    stagedIds.push(id);
    await this.staged.stage(
      id,
      recipients.map((r) => r.fingerprint),
    );
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
      stored += data.length;
      await this.staged.appendChunk(id, seq++, data, stored);
    };
    for await (const chunk of Readable.fromWeb(ciphertext)) {
      const buf = chunk as Buffer;
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    return { id, name: file.name, type: file.type, size, sha256: hash.digest('hex') };
  }
}
