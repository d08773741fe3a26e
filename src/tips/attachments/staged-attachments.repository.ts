import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import { returning } from '../../database/returning.js';

/** A staged file's place once its tip (or message) is committed. */
export interface Adoption {
  id: string;
  n: number;
}

/**
 * Staged uploads: attachment rows without a tip, written chunk by chunk in
 * short autocommit statements while a body arrives, so no transaction waits
 * on a client. The tip's transaction adopts them; nothing else sees them
 * (every reader selects by tip).
 */
@Injectable()
export class StagedAttachmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async stage(id: string, keyFingerprints: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO attachment (id, tip_id, message_id, n, created_at, ciphertext_bytes, chunk_count, key_fingerprints, staged_at)
       VALUES ($1, NULL, NULL, NULL, now(), 0, 0, $2, now())`,
      [id, keyFingerprints],
    );
  }

  /** Appends one ciphertext chunk and records the progress, in one statement. */
  async appendChunk(id: string, seq: number, data: Buffer, storedBytes: number): Promise<void> {
    const rows = await returning<{ id: string }>(
      this.dataSource,
      `WITH chunk AS (INSERT INTO attachment_chunk (attachment_id, seq, data) VALUES ($1, $2, $3))
       UPDATE attachment SET staged_at = now(), chunk_count = $2 + 1, ciphertext_bytes = $4
       WHERE id = $1 AND tip_id IS NULL RETURNING id`,
      [id, seq, data, String(storedBytes)],
    );
    if (rows.length !== 1) throw uploadLost();
  }

  /** Inside the tip's (or message's) transaction: the staged files become its attachments. */
  async adopt(
    manager: EntityManager,
    target: { tipId: string; messageId: string | null },
    files: readonly Adoption[],
  ): Promise<void> {
    if (files.length === 0) return;
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE attachment a SET tip_id = $1, message_id = $2, n = f.n, staged_at = NULL, created_at = now()
       FROM unnest($3::uuid[], $4::int[]) AS f(id, n)
       WHERE a.id = f.id AND a.tip_id IS NULL RETURNING a.id`,
      [target.tipId, target.messageId, files.map((f) => f.id), files.map((f) => f.n)],
    );
    if (rows.length !== files.length) throw uploadLost();
  }

  /** Removes staged files at once (a failed or abandoned upload); adopted ones are untouched. */
  async discard(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query('DELETE FROM attachment WHERE id = ANY($1) AND tip_id IS NULL', [
      [...ids],
    ]);
  }

  /** Leftovers of uploads whose process died: staged rows without progress for `seconds`. */
  async removeStale(seconds: number): Promise<number> {
    const rows = await returning<{ id: string }>(
      this.dataSource,
      `DELETE FROM attachment WHERE tip_id IS NULL AND staged_at < now() - make_interval(secs => $1)
       RETURNING id`,
      [seconds],
    );
    return rows.length;
  }
}

function uploadLost(): AppError {
  return new AppError(
    'unavailable',
    503,
    'The upload took too long and was discarded. Nothing was stored; send it again.',
    undefined,
    5,
  );
}
