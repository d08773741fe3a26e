import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { Message } from './message.entity.js';

export interface MessageRow {
  id: string;
  direction: 'submitter' | 'analyst';
  author_id: string | null;
  author_username: string | null;
  created_at: Date;
  key_fingerprints: string[];
  attachment_count: number;
  body?: Buffer;
  submitter_sealed?: Buffer | null;
}

export interface AttachmentRow {
  id: string;
  n: number;
  message_id: string | null;
  ciphertext_bytes: string;
  chunk_count: number;
  created_at: Date;
}

/** Follow-up messages, replies and attachments of tips (content is ciphertext). */
@Injectable()
export class MessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, message: Message): Promise<void> {
    await manager.insert(Message, message);
  }

  async listForTip(
    tipId: string,
    columns: 'meta' | 'analyst' | 'submitter',
  ): Promise<MessageRow[]> {
    const extra =
      columns === 'analyst' ? ', m.body' : columns === 'submitter' ? ', m.submitter_sealed' : '';
    return this.dataSource.query<MessageRow[]>(
      `SELECT m.id, m.direction, m.author_id, a.username AS author_username, m.created_at,
              m.key_fingerprints, m.attachment_count ${extra}
         FROM message m LEFT JOIN analyst a ON a.id = m.author_id
        WHERE m.tip_id = $1 ORDER BY m.seq`,
      [tipId],
    );
  }

  async countForTip(tipId: string, db?: EntityManager): Promise<number> {
    const rows = await (db ?? this.dataSource).query<Array<{ n: string }>>(
      'SELECT count(*) AS n FROM message WHERE tip_id = $1',
      [tipId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async nextAttachmentNumber(manager: EntityManager, tipId: string): Promise<number> {
    // Serialises uploads to one tip so that numbers do not collide.
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`attachments:${tipId}`]);
    const rows = await manager.query<Array<{ n: number | null }>>(
      'SELECT max(n) AS n FROM attachment WHERE tip_id = $1',
      [tipId],
    );
    return (rows[0]?.n ?? 0) + 1;
  }

  async listAttachments(tipId: string, db?: EntityManager): Promise<AttachmentRow[]> {
    return (db ?? this.dataSource).query<AttachmentRow[]>(
      `SELECT id, n, message_id, ciphertext_bytes, chunk_count, created_at
         FROM attachment WHERE tip_id = $1 ORDER BY n`,
      [tipId],
    );
  }

  async findAttachment(tipId: string, n: number): Promise<AttachmentRow | null> {
    const rows = await this.dataSource.query<AttachmentRow[]>(
      `SELECT id, n, message_id, ciphertext_bytes, chunk_count, created_at
         FROM attachment WHERE tip_id = $1 AND n = $2`,
      [tipId, n],
    );
    return rows[0] ?? null;
  }

  /** The ciphertext, one chunk row at a time: memory stays flat whatever the size. */
  streamAttachment(attachment: AttachmentRow): Readable {
    const dataSource = this.dataSource;
    return ReadableStream.from(
      (async function* () {
        for (let seq = 0; seq < attachment.chunk_count; seq++) {
          const rows = await dataSource.query<Array<{ data: Buffer }>>(
            'SELECT data FROM attachment_chunk WHERE attachment_id = $1 AND seq = $2',
            [attachment.id, seq],
          );
          if (!rows[0]) throw new Error('attachment chunk missing');
          yield rows[0].data;
        }
      })(),
    );
  }

  /** Adds a message's adopted attachments to its tip's count, in the message's transaction. */
  async countAttachmentsOnTip(manager: EntityManager, tipId: string, added: number): Promise<void> {
    await manager.query('UPDATE tip SET attachment_count = attachment_count + $2 WHERE id = $1', [
      tipId,
      added,
    ]);
  }
}
