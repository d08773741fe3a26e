import { Controller, Get } from '@nestjs/common';
import { Public } from '../common/auth/access.decorators.js';
import { ProofOfWork, type ChallengeDto } from './proof-of-work.service.js';

@Controller('v1/challenges')
export class ChallengesController {
  constructor(private readonly pow: ProofOfWork) {}

  /**
   * A signed challenge, valid 10 minutes, usable once. Find a decimal counter
   * with SHA-256(challenge ":" counter) starting with `difficulty` zero bits,
   * then send `X-Tipline-Pow: <challenge>:<counter>`. Difficulty 0: not required.
   */
  @Public()
  @Get()
  issue(): ChallengeDto {
    return this.pow.issue();
  }
}
