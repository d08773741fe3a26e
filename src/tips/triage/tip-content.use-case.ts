import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.js';
import { actingStaff } from '../../auth/users.service.js';
import { AppError } from '../../common/app-error.js';
import type { StaffPrincipal } from '../../common/auth/roles.js';
import { canonicalJson } from '../../common/canonical-json.js';
import { armorMessage } from '../../crypto/openpgp.js';
import { PayloadEncryptor } from '../../crypto/payload-encryptor.js';
import { NotesRepository } from '../notes.repository.js';
import { TipsRepository } from '../tips.repository.js';
import type { NoteDto, NoteRefDto, PayloadDto } from './triage.dto.js';

export const NOTE_SCHEMA = 'tipline.note/v1';

const noTip = (): AppError => new AppError('not_found', 404, 'No such tip.');

/**
 * Content stays ciphertext on the server: reads hand out armored OpenPGP
 * (and are audited); notes are encrypted to the intake keys on arrival.
 */
@Injectable()
export class TipContent {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tips: TipsRepository,
    private readonly notes: NotesRepository,
    private readonly encryptor: PayloadEncryptor,
    private readonly audit: AuditLog,
  ) {}

  async payload(id: string, me: StaffPrincipal, ip: string): Promise<PayloadDto> {
    const tip = await this.tips.findPayload(id);
    if (!tip) throw noTip();
    await this.audit.record({
      ...actingStaff(me, ip),
      action: 'tip.payload_read',
      targetType: 'tip',
      targetId: id,
      details: { reference: tip.reference },
    });
    return {
      tipId: tip.id,
      reference: tip.reference,
      keyFingerprints: tip.keyFingerprints,
      armored: armorMessage(tip.payload),
    };
  }

  async listNotes(id: string, me: StaffPrincipal, ip: string): Promise<NoteDto[]> {
    if (!(await this.tips.exists(id))) throw noTip();
    const rows = await this.notes.listForTip(id, true);
    await this.audit.record({
      ...actingStaff(me, ip),
      action: 'tip.notes_read',
      targetType: 'tip',
      targetId: id,
      details: { count: rows.length },
    });
    return rows.map((n) => ({
      id: n.id,
      author: { id: n.author_id, username: n.author_username },
      createdAt: n.created_at.toISOString(),
      keyFingerprints: n.key_fingerprints,
      armored: armorMessage(n.body!),
    }));
  }

  async addNote(id: string, body: string, me: StaffPrincipal, ip: string): Promise<NoteRefDto> {
    const tip = await this.tips.findForTriage(id);
    if (!tip) throw noTip();
    const noteId = uuidv7();
    const createdAt = new Date();
    const { ciphertext, fingerprints } = await this.encryptor.encrypt(
      Buffer.from(
        canonicalJson({
          schema: NOTE_SCHEMA,
          noteId,
          tipId: id,
          reference: tip.reference,
          author: me.username,
          createdAt: createdAt.toISOString(),
          body,
        }),
        'utf8',
      ),
    );
    await this.dataSource.transaction(async (m) => {
      await this.notes.insert(m, {
        id: noteId,
        tipId: id,
        authorId: me.analystId,
        createdAt,
        body: Buffer.from(ciphertext),
        keyFingerprints: fingerprints,
      });
      await this.audit.append(m, {
        ...actingStaff(me, ip),
        action: 'tip.note_added',
        targetType: 'tip',
        targetId: id,
        details: { noteId, reference: tip.reference },
      });
    });
    return {
      id: noteId,
      author: { id: me.analystId, username: me.username },
      createdAt: createdAt.toISOString(),
    };
  }
}
