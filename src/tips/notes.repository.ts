import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Note } from './note.entity.js';

export interface NoteRow {
  id: string;
  author_id: string;
  author_username: string;
  created_at: Date;
  key_fingerprints: string[];
  body?: Buffer;
}

@Injectable()
export class NotesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, note: Note): Promise<void> {
    await manager.insert(Note, note);
  }

  /** Notes of a tip, oldest first; with ciphertext only when asked. */
  async listForTip(tipId: string, withBody: boolean, db?: EntityManager): Promise<NoteRow[]> {
    return await (db ?? this.dataSource).query<NoteRow[]>(
      `SELECT n.id, n.author_id, a.username AS author_username, n.created_at, n.key_fingerprints
              ${withBody ? ', n.body' : ''}
         FROM note n JOIN analyst a ON a.id = n.author_id
        WHERE n.tip_id = $1 ORDER BY n.created_at, n.id`,
      [tipId],
    );
  }
}
