import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/access.decorators.js';
import { ChallengeModel } from './proof-of-work.dto.js';
import { ProofOfWorkService, type ChallengeDto } from './proof-of-work.service.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';

@ApiTags('intake')
@ServedOn('public')
@Controller('v1/challenges')
export class ChallengesController {
  constructor(private readonly pow: ProofOfWorkService) {}

  @ApiOperation({
    summary: 'Get a proof-of-work challenge',
    description:
      'A signed challenge, valid 10 minutes, usable once, for `POST /v1/tips` and ' +
      '`POST /v1/follow-ups/messages`. Find a decimal counter such that ' +
      'SHA-256(challenge ":" counter) starts with `difficulty` zero bits, then send ' +
      '`X-Tipline-Pow: <challenge>:<counter>`. Difficulty 0: no proof of work is required.',
  })
  @ApiOkResponse({ type: ChallengeModel, description: 'A fresh challenge.' })
  @Public()
  @Get()
  issue(): ChallengeDto {
    return this.pow.issue();
  }
}
