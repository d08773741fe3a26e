import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/access.decorators.js';
import { RequiresProofOfWork } from '../../common/auth/proof-of-work.decorator.js';
import { AttachmentWriter } from '../attachments/attachment-writer.js';
import { readMultipart, validateBody } from '../attachments/multipart.js';
import { SubmitPublicTipDto, type SubmitTipResponseDto } from './submit-tip.dto.js';
import { SubmitTip } from './submit-tip.use-case.js';

@Controller('v1/tips')
export class IntakeController {
  constructor(
    private readonly submitTip: SubmitTip,
    private readonly attachments: AttachmentWriter,
  ) {}

  /**
   * Anonymous submission: JSON, or multipart/form-data with a `tip` JSON part
   * and up to 10 files. 201 only after the tip (and its files) are committed.
   */
  @Public()
  @RequiresProofOfWork()
  @Post()
  @HttpCode(201)
  async submit(@Req() request: FastifyRequest): Promise<SubmitTipResponseDto> {
    if (request.isMultipart()) {
      const upload = await readMultipart(request, 'tip', SubmitPublicTipDto, this.attachments);
      return this.submitTip.execute(upload.body, (manager, tipId, recipients) =>
        upload.files(manager, { tipId, messageId: null, firstN: 1 }, recipients),
      );
    }
    return this.submitTip.execute(await validateBody(request.body, SubmitPublicTipDto));
  }
}
