import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import { ReadDatabase } from '../../database/read-database.js';
import { MessagesRepository } from '../messages.repository.js';
import { NotesRepository } from '../notes.repository.js';
import { TipsRepository } from '../tips.repository.js';
import { mapNoteRef, mapTipSummary } from './tip-mappers.js';
import type { TipDetailDto } from './triage.dto.js';

/** A tip's metadata, notes, attachments and counts: all read from the replica when there is one. */
@Injectable()
export class ShowTip {
  constructor(
    private readonly reads: ReadDatabase,
    private readonly tips: TipsRepository,
    private readonly notes: NotesRepository,
    private readonly messages: MessagesRepository,
  ) {}

  execute(id: string): Promise<TipDetailDto> {
    return this.reads.run(async (db) => {
      const tip = await this.tips.findForTriage(id, db);
      if (!tip) throw new AppError('not_found', 404, 'No such tip.');
      const [notes, attachments, messages, replies] = await Promise.all([
        this.notes.listForTip(id, false, db),
        this.messages.listAttachments(id, db),
        this.messages.countForTip(id, db),
        this.tips.allowsReplies(id, db),
      ]);
      return {
        ...mapTipSummary(tip),
        allowReplies: replies,
        notes: notes.map(mapNoteRef),
        attachments: attachments.map((a) => ({
          n: a.n,
          messageId: a.message_id,
          ciphertextBytes: Number(a.ciphertext_bytes),
          createdAt: a.created_at.toISOString(),
        })),
        counts: { notes: notes.length, attachments: attachments.length, messages },
      };
    });
  }
}
