import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../common/auth/access.decorators.js';
import { EX } from '../common/openapi/examples.js';
import {
  ApiErrorResponses,
  INTAKE_UNAVAILABLE,
  JSON_BODY_ERRORS,
  type ErrorResponseSpec,
} from '../common/openapi/error-responses.js';
import {
  ApiJsonBody,
  ApiJsonOrMultipart,
  jsonOrMultipartBody,
  jsonOrMultipartErrors,
} from '../common/openapi/request-bodies.js';
import { RequiresProofOfWork } from '../common/auth/proof-of-work.decorator.js';
import { LimitPerAddress } from '../common/rate-limit/public-rate-limit.guard.js';
import { RECEIPT_ATTEMPTS } from './receipt-lookup.js';
import { Uploads } from '../tips/attachments/uploads.js';
import { readMultipart, validateBody } from '../tips/attachments/multipart.js';
import {
  CheckInDto,
  CheckInResponseDto,
  FollowUpMessageDto,
  FollowUpMessageResponseDto,
} from './follow-ups.dto.js';
import { FollowUpsService } from './follow-ups.service.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';

const WRONG_RECEIPT: ErrorResponseSpec = {
  status: 404,
  description:
    'No tip matches this receipt (`not_found`). Every wrong receipt gets the same answer after ' +
    'the same work.',
  example: { code: 'not_found', message: 'No tip matches this receipt.' },
};

const TOO_MANY_RECEIPTS: ErrorResponseSpec = {
  status: 429,
  description: 'Also `rate_limited` after 30 receipt attempts per address in 10 minutes.',
  example: { code: 'rate_limited', message: 'Too many receipt attempts; try again later.' },
};

/**
 * The submitter comes back with the receipt (in the body, never in a URL).
 * The address is used only to key an in-memory or Redis attempt counter.
 */
@ApiTags('follow-ups')
@ServedOn('public')
@Controller('v1/follow-ups')
export class FollowUpsController {
  constructor(
    private readonly followUps: FollowUpsService,
    private readonly uploads: Uploads,
  ) {}

  @ApiOperation({
    summary: 'Check in with a receipt',
    description:
      "The tip's public status and the conversation with the analysts. Replies are decrypted " +
      'in memory with a key only the receipt opens, for this request only. The receipt goes in ' +
      'the body, never in a URL.',
  })
  @ApiJsonBody(CheckInDto, { receipt: { summary: 'A receipt', value: { receipt: EX.receipt } } })
  @ApiOkResponse({ type: CheckInResponseDto, description: 'The status and the thread.' })
  @ApiErrorResponses(...JSON_BODY_ERRORS, WRONG_RECEIPT, TOO_MANY_RECEIPTS)
  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @Post('status')
  @HttpCode(200)
  status(@Body() body: CheckInDto): Promise<CheckInResponseDto> {
    return this.followUps.checkIn(body.receipt);
  }

  @ApiOperation({
    summary: 'Add a message (and files) to a tip',
    description:
      'More information for the analysts, encrypted on arrival like the tip; with replies ' +
      'enabled, also sealed so that the receipt can read it back. `201` only after the message ' +
      'and its files are committed.',
    requestBody: jsonOrMultipartBody({
      model: FollowUpMessageDto,
      part: 'message',
      description:
        'JSON (`FollowUpMessageDto`, at most 1 MiB, unknown fields refused), or ' +
        '`multipart/form-data`: a `message` part holding that JSON first, then up to 10 files.',
      examples: {
        message: {
          summary: 'One more detail',
          value: {
            receipt: EX.receipt,
            body: 'I remembered one more detail: the portal copy was hosted on a .top domain.',
          },
        },
      },
    }),
  })
  @ApiJsonOrMultipart(FollowUpMessageDto)
  @ApiCreatedResponse({ type: FollowUpMessageResponseDto, description: 'Stored, encrypted.' })
  @ApiErrorResponses(
    ...jsonOrMultipartErrors('message'),
    WRONG_RECEIPT,
    {
      status: 409,
      description: 'The tip is closed (`conflict`): submit a new tip instead.',
      example: { code: 'conflict', message: 'This tip is closed; submit a new tip instead.' },
    },
    TOO_MANY_RECEIPTS,
    INTAKE_UNAVAILABLE,
  )
  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @RequiresProofOfWork()
  @Post('messages')
  @HttpCode(201)
  async message(@Req() request: FastifyRequest): Promise<FollowUpMessageResponseDto> {
    if (request.isMultipart()) {
      const upload = await readMultipart(request, 'message', FollowUpMessageDto, this.uploads);
      try {
        return await this.followUps.addMessage(upload.body, upload.files);
      } finally {
        upload.release();
      }
    }
    return this.followUps.addMessage(await validateBody(request.body, FollowUpMessageDto));
  }
}
