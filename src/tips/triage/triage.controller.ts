import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MessagesRepository } from '../messages.repository.js';
import { AppError } from '../../common/app-error.js';
import { CurrentStaff, Roles, StaffIp } from '../../common/auth/access.decorators.js';
import type { StaffPrincipal } from '../../common/auth/roles.js';
import { NotesRepository } from '../notes.repository.js';
import { TipsRepository } from '../tips.repository.js';
import { ListTips } from './list-tips.query.js';
import { mapNoteRef, mapTipSummary } from './tip-mappers.js';
import { TipContent } from './tip-content.use-case.js';
import {
  AddNoteDto,
  ListTipsQuery,
  ReplyDto,
  type MessageDto,
  UpdateTipDto,
  type NoteDto,
  type NoteRefDto,
  type PayloadDto,
  type TipDetailDto,
  type TipListDto,
  type TipSummaryDto,
} from './triage.dto.js';
import { UpdateTip } from './update-tip.use-case.js';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => new AppError('not_found', 404, 'No such tip.'),
});

/** The analysts' queue. Admins and auditors have no route here. */
@Controller('v1/triage/tips')
export class TriageController {
  constructor(
    private readonly listTips: ListTips,
    private readonly updateTip: UpdateTip,
    private readonly content: TipContent,
    private readonly tips: TipsRepository,
    private readonly notes: NotesRepository,
    private readonly messages: MessagesRepository,
  ) {}

  @Roles('analyst', 'lead')
  @Get()
  list(@Query() query: ListTipsQuery, @CurrentStaff() me: StaffPrincipal): Promise<TipListDto> {
    return this.listTips.execute(query, me);
  }

  @Roles('analyst', 'lead')
  @Get(':id')
  async show(@Param('id', uuid) id: string): Promise<TipDetailDto> {
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

  @Roles('analyst', 'lead')
  @Patch(':id')
  update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateTipDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<TipSummaryDto> {
    return this.updateTip.execute(id, body, me, ip);
  }

  /** The armored ciphertext, for decryption on the analyst's machine. Audited. */
  @Roles('analyst', 'lead')
  @Get(':id/payload')
  payload(
    @Param('id', uuid) id: string,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<PayloadDto> {
    return this.content.payload(id, me, ip);
  }

  @Roles('analyst', 'lead')
  @Get(':id/notes')
  async listNotes(
    @Param('id', uuid) id: string,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<{ notes: NoteDto[] }> {
    return { notes: await this.content.listNotes(id, me, ip) };
  }

  /** An internal note, encrypted on arrival to the intake keys. */
  @Roles('analyst', 'lead')
  @Post(':id/notes')
  @HttpCode(201)
  addNote(
    @Param('id', uuid) id: string,
    @Body() body: AddNoteDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<NoteRefDto> {
    return this.content.addNote(id, body.body, me, ip);
  }

  /** A reply only the submitter (with the receipt) and the analysts can read. */
  @Roles('analyst', 'lead')
  @Post(':id/replies')
  @HttpCode(201)
  reply(
    @Param('id', uuid) id: string,
    @Body() body: ReplyDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<MessageDto> {
    return this.content.reply(id, body.body, me, ip);
  }

  /** The conversation with the submitter, as ciphertext. Audited. */
  @Roles('analyst', 'lead')
  @Get(':id/messages')
  async listMessages(
    @Param('id', uuid) id: string,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<{ messages: MessageDto[] }> {
    return { messages: await this.content.listMessages(id, me, ip) };
  }

  /** An attachment's OpenPGP ciphertext, streamed. Audited. */
  @Roles('analyst', 'lead')
  @Get(':id/attachments/:n')
  async attachment(
    @Param('id', uuid) id: string,
    @Param(
      'n',
      new ParseIntPipe({
        exceptionFactory: () => new AppError('not_found', 404, 'No such attachment.'),
      }),
    )
    n: number,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { stream, bytes } = await this.content.attachment(id, n, me, ip);
    await reply
      .header('Content-Type', 'application/pgp-encrypted')
      .header('Content-Length', bytes)
      .header('Content-Disposition', `attachment; filename="${id}-${n}.pgp"`)
      .send(stream);
  }
}
