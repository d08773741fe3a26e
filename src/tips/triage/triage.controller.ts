import {
  Body,
  Get,
  Param,
  ParseIntPipe,
  type PipeTransform,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../common/app-error.js';
import type { StaffActor } from '../../common/auth/actor.js';
import { Actor } from '../../common/auth/access.decorators.js';
import { EX } from '../../common/openapi/examples.js';
import { INTAKE_UNAVAILABLE } from '../../common/openapi/error-responses.js';
import { StaffRoute } from '../../common/route.decorator.js';
import { StaffController } from '../../common/staff-controller.decorator.js';
import { UuidParam } from '../../common/uuid-param.decorator.js';
import { ListTips } from './list-tips.query.js';
import { ShowTip } from './show-tip.query.js';
import { TipContent } from './tip-content.use-case.js';
import { ListTipsQuery } from './list-tips.dto.js';
import { UpdateTipDto } from './update-tip.dto.js';
import { NoteRefDto, TipDetailDto, TipListDto, TipSummaryDto } from './tip-response.dto.js';
import { TIP_ID } from './tip-id.param.js';
import {
  AddNoteDto,
  MessageDto,
  MessageListDto,
  NoteListDto,
  PayloadDto,
  ReplyDto,
} from './tip-content.dto.js';
import { UpdateTip } from './update-tip.use-case.js';

/** An attachment number PostgreSQL's integer can hold; anything else names no attachment. */
class AttachmentNumberPipe implements PipeTransform<number, number> {
  transform(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) {
      throw new AppError('not_found', 404, 'No such attachment.');
    }
    return n;
  }
}

/** The analysts' queue. Admins and auditors have no route here. */
@StaffController('triage', 'v1/triage/tips')
export class TriageController {
  constructor(
    private readonly listTips: ListTips,
    private readonly showTip: ShowTip,
    private readonly updateTip: UpdateTip,
    private readonly content: TipContent,
  ) {}

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'List the queue',
    description:
      'Triage metadata only (tip content stays encrypted). Filters combine with AND; a ' +
      'list filter matches any of its values. Keyset pagination: pass `nextCursor` as `cursor`.',
    ok: { type: TipListDto, description: 'A page of tips.' },
    errors: [
      {
        status: 400,
        description:
          'Bad request (`validation_failed`): a bad filter, or a `cursor` from another listing ' +
          'or sort order.',
        example: {
          code: 'validation_failed',
          message: 'The query is invalid.',
          details: [
            { field: 'cursor', problem: 'is not a cursor from this listing and sort order' },
          ],
        },
      },
    ],
  })
  @Get()
  list(@Query() query: ListTipsQuery, @Actor() by: StaffActor): Promise<TipListDto> {
    return this.listTips.execute(query, by.staff);
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Show a tip',
    description: 'Metadata, the list of notes and attachments, and counts. No content.',
    params: [TIP_ID],
    ok: { type: TipDetailDto, description: 'The tip.' },
  })
  @Get(':id')
  show(@UuidParam(TIP_ID) id: string): Promise<TipDetailDto> {
    return this.showTip.execute(id);
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Update triage metadata',
    description:
      'Send the `version` you read and only the fields to change. Workflow: `new -> triaging ' +
      '-> escalated | actioned | no_action -> closed`, and `duplicate` (with `duplicateOf`) ' +
      'from any open state. Only leads close tips, set `legalHold` or assign others; an ' +
      'analyst may claim an unassigned tip or release their own. Audited with old and new values.',
    params: [TIP_ID],
    body: {
      type: UpdateTipDto,
      examples: {
        claim: {
          summary: 'Claim and start triage',
          value: { version: 1, status: 'triaging', assigneeId: 'me' },
        },
        escalate: {
          summary: 'Escalate with severity and tags',
          value: {
            version: 2,
            status: 'escalated',
            priority: 'P1',
            severity: 1,
            tags: ['phishing'],
          },
        },
        duplicate: {
          summary: 'Mark as a duplicate',
          value: { version: 3, status: 'duplicate', duplicateOf: EX.otherUuid },
        },
      },
    },
    ok: { type: TipSummaryDto, description: 'The tip after the change (new `version`).' },
    errors: [
      {
        status: 403,
        description:
          'Also `forbidden` when an analyst closes a tip, sets `legalHold`, or assigns or ' +
          'releases a tip that is not theirs.',
      },
      {
        status: 409,
        description:
          'Conflict: `version_conflict` (the tip changed since you read it: reload) or ' +
          '`invalid_transition` (the workflow does not allow this status change).',
        example: {
          code: 'version_conflict',
          message: 'The tip changed since you read it (now version 4); reload and try again.',
        },
      },
      {
        status: 422,
        description:
          'Unprocessable (`unprocessable`): `duplicateOf` names no tip or this tip, `duplicate` ' +
          'without `duplicateOf`, or the assignee is not an active analyst or lead.',
        example: { code: 'unprocessable', message: 'duplicateOf names no tip.' },
      },
    ],
  })
  @Patch(':id')
  update(
    @UuidParam(TIP_ID) id: string,
    @Body() body: UpdateTipDto,
    @Actor() by: StaffActor,
  ): Promise<TipSummaryDto> {
    return this.updateTip.execute(id, body, by);
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: "The tip's ciphertext",
    description:
      "The armored OpenPGP message, for decryption on the analyst's machine " +
      '(`tipctl decrypt`). Audited.',
    params: [TIP_ID],
    ok: { type: PayloadDto, description: 'The ciphertext.' },
  })
  @Get(':id/payload')
  payload(@UuidParam(TIP_ID) id: string, @Actor() by: StaffActor): Promise<PayloadDto> {
    return this.content.payload(id, by);
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Read the notes',
    description: 'Every internal note, as armored ciphertext. Audited.',
    params: [TIP_ID],
    ok: { type: NoteListDto, description: 'The notes, oldest first.' },
  })
  @Get(':id/notes')
  async listNotes(@UuidParam(TIP_ID) id: string, @Actor() by: StaffActor): Promise<NoteListDto> {
    return { notes: await this.content.listNotes(id, by) };
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Add a note',
    description: 'An internal note, encrypted to the intake keys on arrival. Audited.',
    params: [TIP_ID],
    body: {
      type: AddNoteDto,
      examples: {
        note: {
          summary: 'A note',
          value: { body: 'Domain registered with the same e-mail as case TIP-3H8P-K2QW.' },
        },
      },
    },
    created: { type: NoteRefDto, description: 'Stored, encrypted.' },
    errors: [INTAKE_UNAVAILABLE],
  })
  @Post(':id/notes')
  addNote(
    @UuidParam(TIP_ID) id: string,
    @Body() body: AddNoteDto,
    @Actor() by: StaffActor,
  ): Promise<NoteRefDto> {
    return this.content.addNote(id, body.body, by);
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Reply to the submitter',
    description:
      'A reply only the submitter (with the receipt) and the analysts can read: sealed to ' +
      "the tip's reply key and encrypted to the intake keys. Audited.",
    params: [TIP_ID],
    body: {
      type: ReplyDto,
      examples: {
        reply: {
          summary: 'A question',
          value: { body: 'Thank you. Can you say when you first saw the page?' },
        },
      },
    },
    created: { type: MessageDto, description: 'Stored, encrypted.' },
    errors: [
      {
        status: 409,
        description: 'The submitter did not accept replies on this tip (`conflict`).',
        example: { code: 'conflict', message: 'The submitter did not accept replies on this tip.' },
      },
      INTAKE_UNAVAILABLE,
    ],
  })
  @Post(':id/replies')
  reply(
    @UuidParam(TIP_ID) id: string,
    @Body() body: ReplyDto,
    @Actor() by: StaffActor,
  ): Promise<MessageDto> {
    return this.content.reply(id, body.body, by);
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Read the conversation',
    description: 'Messages and replies with the submitter, as armored ciphertext. Audited.',
    params: [TIP_ID],
    ok: { type: MessageListDto, description: 'The messages, oldest first.' },
  })
  @Get(':id/messages')
  async listMessages(
    @UuidParam(TIP_ID) id: string,
    @Actor() by: StaffActor,
  ): Promise<MessageListDto> {
    return { messages: await this.content.listMessages(id, by) };
  }

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Download an attachment',
    description:
      "The attachment's binary OpenPGP ciphertext, streamed. Its name, type, size and SHA-256 " +
      'are inside the encrypted envelope. Audited.',
    params: [
      TIP_ID,
      {
        name: 'n',
        schema: { type: 'integer', minimum: 1 },
        description: 'The attachment number (`attachments[].n` of the tip).',
        example: 1,
      },
    ],
    ok: {
      description: 'The ciphertext (binary OpenPGP message).',
      headers: {
        'Content-Disposition': {
          description: '`attachment; filename="<tip id>-<n>.pgp"`',
          schema: { type: 'string' },
        },
        'Content-Length': { schema: { type: 'integer', minimum: 0 } },
      },
      content: {
        'application/pgp-encrypted': { schema: { type: 'string', format: 'binary' } },
      },
    },
    errors: [
      {
        status: 404,
        description: 'No such tip or attachment (`not_found`).',
        example: { code: 'not_found', message: 'No such attachment.' },
      },
    ],
  })
  @Get(':id/attachments/:n')
  async attachment(
    @UuidParam(TIP_ID) id: string,
    @Param(
      'n',
      new ParseIntPipe({
        exceptionFactory: () => new AppError('not_found', 404, 'No such attachment.'),
      }),
      new AttachmentNumberPipe(),
    )
    n: number,
    @Actor() by: StaffActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { stream, bytes } = await this.content.attachment(id, n, by);
    await reply
      .header('Content-Type', 'application/pgp-encrypted')
      .header('Content-Length', bytes)
      .header('Content-Disposition', `attachment; filename="${id}-${n}.pgp"`)
      .send(stream);
  }
}
