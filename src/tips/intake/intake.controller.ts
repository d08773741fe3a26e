import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/access.decorators.js';
import { ApiErrorResponses, INTAKE_UNAVAILABLE } from '../../common/openapi/error-responses.js';
import {
  ApiJsonOrMultipart,
  jsonOrMultipartBody,
  jsonOrMultipartErrors,
} from '../../common/openapi/request-bodies.js';
import { RequiresProofOfWork } from '../../common/auth/proof-of-work.decorator.js';
import { Uploads } from '../attachments/uploads.js';
import { readMultipart, validateBody } from '../attachments/multipart.js';
import {
  SUBMIT_PUBLIC_TIP_EXAMPLE,
  SubmitPublicTipDto,
  SubmitTipResponseDto,
} from './submit-tip.dto.js';
import { SubmitTip } from './submit-tip.use-case.js';
import { ServedOn } from '../../common/listeners/served-on.decorator.js';

@ApiTags('intake')
@ServedOn('public')
@Controller('v1/tips')
export class IntakeController {
  constructor(
    private readonly submitTip: SubmitTip,
    private readonly uploads: Uploads,
  ) {}

  @ApiOperation({
    summary: 'Submit a tip',
    description:
      'Anonymous submission. `category` and `submitterUrgency` are stored in clear for triage; ' +
      'everything else (and every file) is encrypted with OpenPGP on arrival. `201` only after ' +
      'the tip and its files are committed. Keep the `receipt`: it is shown once, and it is ' +
      'the only way to follow up (`/v1/follow-ups`).',
    requestBody: jsonOrMultipartBody({
      model: SubmitPublicTipDto,
      part: 'tip',
      description:
        'JSON (`SubmitPublicTipDto`, at most 1 MiB, unknown fields refused), or ' +
        '`multipart/form-data`: a `tip` part holding that JSON first, then up to 10 files.',
      examples: { tip: { summary: 'A cyber tip', value: SUBMIT_PUBLIC_TIP_EXAMPLE } },
    }),
  })
  @ApiJsonOrMultipart(SubmitPublicTipDto)
  @ApiCreatedResponse({
    type: SubmitTipResponseDto,
    description: 'Stored, encrypted. The receipt is in this response only.',
  })
  @ApiErrorResponses(...jsonOrMultipartErrors('tip'), INTAKE_UNAVAILABLE)
  @Public()
  @RequiresProofOfWork()
  @Post()
  @HttpCode(201)
  async submit(@Req() request: FastifyRequest): Promise<SubmitTipResponseDto> {
    if (request.isMultipart()) {
      const upload = await readMultipart(request, 'tip', SubmitPublicTipDto, this.uploads);
      try {
        return await this.submitTip.execute(upload.body, upload.files);
      } finally {
        upload.release();
      }
    }
    return this.submitTip.execute(await validateBody(request.body, SubmitPublicTipDto));
  }
}
