import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Public } from '../common/auth/access.decorators.js';
import { RequiresProofOfWork } from '../common/auth/proof-of-work.decorator.js';
import { AttachmentWriter } from '../tips/attachments/attachment-writer.js';
import { readMultipart, validateBody } from '../tips/attachments/multipart.js';
import {
  CheckInDto,
  FollowUpMessageDto,
  type CheckInResponseDto,
  type FollowUpMessageResponseDto,
} from './follow-ups.dto.js';
import { FollowUps } from './follow-ups.service.js';

/**
 * The submitter comes back with the receipt (in the body, never in a URL).
 * The address is used only to key an in-memory or Redis attempt counter.
 */
@Controller('v1/follow-ups')
export class FollowUpsController {
  constructor(
    private readonly followUps: FollowUps,
    private readonly attachments: AttachmentWriter,
  ) {}

  @Public()
  @Post('status')
  @HttpCode(200)
  status(@Body() body: CheckInDto, @Req() request: FastifyRequest): Promise<CheckInResponseDto> {
    return this.followUps.checkIn(body.receipt, request.ip);
  }

  /** JSON `{receipt, body}`, or multipart with a `message` JSON part and up to 10 files. */
  @Public()
  @RequiresProofOfWork()
  @Post('messages')
  @HttpCode(201)
  async message(@Req() request: FastifyRequest): Promise<FollowUpMessageResponseDto> {
    if (request.isMultipart()) {
      const upload = await readMultipart(request, 'message', FollowUpMessageDto, this.attachments);
      return this.followUps.addMessage(upload.body, request.ip, upload.files);
    }
    return this.followUps.addMessage(
      await validateBody(request.body, FollowUpMessageDto),
      request.ip,
    );
  }
}
