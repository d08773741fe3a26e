import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
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
    const notes = await this.notes.listForTip(id, false);
    return {
      ...mapTipSummary(tip),
      notes: notes.map(mapNoteRef),
      counts: { notes: notes.length, attachments: tip.attachment_count },
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
}
