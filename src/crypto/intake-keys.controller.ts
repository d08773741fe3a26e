import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/access.decorators.js';
import { IntakeKeysResponseModel } from '../common/openapi/models.js';
import { IntakeKeyRing } from './intake-key-ring.js';
import type { RecipientKey } from './openpgp.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';

export interface IntakeKeyDto {
  fingerprint: string;
  version: number;
  expiresAt: string | null;
  armored: string;
}

export interface IntakeKeysResponseDto {
  keys: IntakeKeyDto[];
}

function mapIntakeKey(key: RecipientKey): IntakeKeyDto {
  return {
    fingerprint: key.fingerprint,
    version: key.version,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    armored: key.armored,
  };
}

@ApiTags('intake-keys')
@ServedOn('public')
@Controller('v1/intake-keys')
export class IntakeKeysController {
  constructor(private readonly keyRing: IntakeKeyRing) {}

  /** The public keys every tip is encrypted to, so submitters can verify them out of band. */
  @ApiOperation({
    summary: 'The active intake keys',
    description:
      'The OpenPGP public keys every tip is encrypted to, so that submitters can verify them ' +
      'out of band.',
  })
  @ApiOkResponse({ type: IntakeKeysResponseModel, description: 'Every active key.' })
  @Public()
  @Get()
  list(): IntakeKeysResponseDto {
    return { keys: this.keyRing.active().map(mapIntakeKey) };
  }
}
