import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.js';
import { AppError } from '../../common/app-error.js';
import type { StaffActor } from '../../common/auth/actor.js';
import { armorMessage } from '../../crypto/openpgp.js';
import { PayloadEncryptor } from '../../intake-keys/payload-encryptor.js';
import { sealForSubmitter } from '../../crypto/submitter-keys.js';
import { messageContent, noteContent, sealedMessageContent } from '../envelope/envelope.js';
import { MessagesRepository } from '../messages.repository.js';
import { NotesRepository } from '../notes.repository.js';
import { TipsRepository } from '../tips.repository.js';
import type { Readable } from 'node:stream';
import type { NoteRefDto } from './tip-response.dto.js';
import type { MessageDto, NoteDto, PayloadDto } from './tip-content.dto.js';

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
    private readonly messages: MessagesRepository,
    private readonly encryptor: PayloadEncryptor,
    private readonly audit: AuditLog,
  ) {}

  async payload(id: string, by: StaffActor): Promise<PayloadDto> {
    const tip = await this.tips.findPayload(id);
    if (!tip) throw noTip();
    await this.audit.record({
      actor: by.actor,
      ip: by.ip,
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

  async listNotes(id: string, by: StaffActor): Promise<NoteDto[]> {
    if (!(await this.tips.exists(id))) throw noTip();
    const rows = await this.notes.listForTip(id, true);
    await this.audit.record({
      actor: by.actor,
      ip: by.ip,
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

  async addNote(id: string, body: string, by: StaffActor): Promise<NoteRefDto> {
    const tip = await this.tips.findForTriage(id);
    if (!tip) throw noTip();
    const noteId = uuidv7();
    const createdAt = new Date();
    const { ciphertext, fingerprints } = await this.encryptor.encrypt(
      Buffer.from(
        noteContent(
          { id: noteId, tipId: id, reference: tip.reference, author: by.staff.username, createdAt },
          body,
        ),
        'utf8',
      ),
    );
    await this.dataSource.transaction(async (m) => {
      await this.notes.insert(m, {
        id: noteId,
        tipId: id,
        authorId: by.staff.analystId,
        createdAt,
        body: Buffer.from(ciphertext),
        keyFingerprints: fingerprints,
      });
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'tip.note_added',
        targetType: 'tip',
        targetId: id,
        details: { noteId, reference: tip.reference },
      });
    });
    return {
      id: noteId,
      author: { id: by.staff.analystId, username: by.staff.username },
      createdAt: createdAt.toISOString(),
    };
  }

  /**
   * A reply to the submitter: sealed (HPKE) to the tip's reply key, which only
   * the receipt unwraps, and encrypted to the intake keys for the analysts.
   */
  async reply(id: string, body: string, by: StaffActor): Promise<MessageDto> {
    const tip = await this.tips.findReplyTarget(id);
    if (!tip) throw noTip();
    if (!tip.allowReplies || !tip.submitterPublicKey) {
      throw new AppError('conflict', 409, 'The submitter did not accept replies on this tip.');
    }
    const messageId = uuidv7();
    const createdAt = new Date();
    const { ciphertext, fingerprints } = await this.encryptor.encrypt(
      Buffer.from(
        messageContent(
          {
            id: messageId,
            tipId: id,
            reference: tip.reference,
            at: createdAt,
            from: 'analyst',
            author: by.staff.username,
          },
          body,
        ),
      ),
    );
    const sealed = await sealForSubmitter(
      tip.submitterPublicKey,
      Buffer.from(sealedMessageContent(body)),
      id,
    );
    await this.dataSource.transaction(async (m) => {
      await this.messages.insert(m, {
        id: messageId,
        tipId: id,
        direction: 'analyst',
        authorId: by.staff.analystId,
        createdAt,
        body: Buffer.from(ciphertext),
        keyFingerprints: fingerprints,
        submitterSealed: sealed,
        attachmentCount: 0,
      });
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'tip.reply_sent',
        targetType: 'tip',
        targetId: id,
        details: { messageId, reference: tip.reference },
      });
    });
    return {
      id: messageId,
      direction: 'analyst',
      author: { id: by.staff.analystId, username: by.staff.username },
      createdAt: createdAt.toISOString(),
      attachmentCount: 0,
      keyFingerprints: fingerprints,
      armored: armorMessage(ciphertext),
    };
  }

  /** The whole conversation as ciphertext for the analysts' keys. Audited. */
  async listMessages(id: string, by: StaffActor): Promise<MessageDto[]> {
    if (!(await this.tips.exists(id))) throw noTip();
    const rows = await this.messages.listForTip(id, 'analyst');
    await this.audit.record({
      actor: by.actor,
      ip: by.ip,
      action: 'tip.messages_read',
      targetType: 'tip',
      targetId: id,
      details: { count: rows.length },
    });
    return rows.map((r) => ({
      id: r.id,
      direction: r.direction,
      author: r.author_id ? { id: r.author_id, username: r.author_username ?? '' } : null,
      createdAt: r.created_at.toISOString(),
      attachmentCount: r.attachment_count,
      keyFingerprints: r.key_fingerprints,
      armored: armorMessage(r.body!),
    }));
  }

  /** One attachment's ciphertext, streamed from the chunk rows. Audited. */
  async attachment(
    id: string,
    n: number,
    by: StaffActor,
  ): Promise<{ stream: Readable; bytes: string }> {
    const attachment = await this.messages.findAttachment(id, n);
    if (!attachment) throw new AppError('not_found', 404, 'No such attachment.');
    await this.audit.record({
      actor: by.actor,
      ip: by.ip,
      action: 'tip.attachment_read',
      targetType: 'tip',
      targetId: id,
      details: { n },
    });
    return {
      stream: this.messages.streamAttachment(attachment),
      bytes: attachment.ciphertext_bytes,
    };
  }
}
