import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import { MessagesRepository } from '../messages.repository.js';
import { NotesRepository } from '../notes.repository.js';
import { TipsRepository } from '../tips.repository.js';
import { mapNoteRef, mapTipSummary } from './tip-mappers.js';
import type { TipDetailDto } from './tip-response.dto.js';

/**
 * A tip's metadata, notes, attachments and counts, read on the primary: its
 * version feeds the next PATCH, which must see the caller's own last write
 * (a lagging replica would answer 404 for a new tip and 409 after a change).
 */
@Injectable()
export class ShowTip {
  constructor(
    private readonly tips: TipsRepository,
    private readonly notes: NotesRepository,
    private readonly messages: MessagesRepository,
  ) {}

  async execute(id: string): Promise<TipDetailDto> {
    const tip = await this.tips.findForTriage(id);
    if (!tip) throw new AppError('not_found', 404, 'No such tip.');
    const [notes, attachments, messages, replies] = await Promise.all([
      this.notes.listForTip(id, false),
      this.messages.listAttachments(id),
      this.messages.countForTip(id),
      this.tips.allowsReplies(id),
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
  }
}
