import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/access.decorators.js';
import {
  IntakeKeysResponseModel,
  type IntakeKeyDto,
  type IntakeKeysResponseDto,
} from './intake-keys.dto.js';
import { IntakeKeyRing } from './intake-key-ring.js';
import type { RecipientKey } from '../crypto/openpgp.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';
import { IntakeKeysService, type KeyApproval } from './intake-keys.service.js';

function mapIntakeKey(key: RecipientKey, approval: KeyApproval, configured: boolean): IntakeKeyDto {
  return {
    fingerprint: key.fingerprint,
    version: key.version,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    armored: key.armored,
    source: configured ? 'config' : 'admin',
    approvedAt: approval.approvedAt?.toISOString() ?? null,
    approvedBy: approval.approvedBy,
  };
}

@ApiTags('intake-keys')
@ServedOn('public')
@Controller('v1/intake-keys')
export class IntakeKeysController {
  constructor(
    private readonly keyRing: IntakeKeyRing,
    private readonly keys: IntakeKeysService,
  ) {}

  @ApiOperation({
    summary: 'The active intake keys',
    description:
      'The OpenPGP public keys every tip is encrypted to, so that submitters can verify them ' +
      'out of band. A key added through the API is here only once a second admin approved it, ' +
      'with when and by whom.',
  })
  @ApiOkResponse({ type: IntakeKeysResponseModel, description: 'Every active key.' })
  @Public()
  @Get()
  list(): IntakeKeysResponseDto {
    return {
      keys: this.keyRing
        .active()
        .map((k) =>
          mapIntakeKey(
            k,
            this.keys.approvalOf(k.fingerprint),
            this.keyRing.isConfigured(k.fingerprint),
          ),
        ),
    };
  }
}
