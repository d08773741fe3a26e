import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { actingStaff } from '../auth/users.service.js';
import { CurrentStaff, Roles, StaffIp } from '../common/auth/access.decorators.js';
import type { StaffPrincipal } from '../common/auth/roles.js';
import { EX } from '../common/openapi/examples.js';
import { ApiErrorResponses, JSON_BODY_ERRORS } from '../common/openapi/error-responses.js';
import { ApiJsonBody } from '../common/openapi/request-bodies.js';
import { IntakeKeysService } from '../crypto/intake-keys.service.js';
import {
  AddIntakeKeyDto,
  AdminIntakeKeyDto,
  AdminIntakeKeyListDto,
  mapAdminIntakeKey,
} from './admin.dto.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';

@ApiTags('admin-intake-keys')
@ServedOn('staff')
@Controller('v1/admin/intake-keys')
export class AdminIntakeKeysController {
  constructor(private readonly keys: IntakeKeysService) {}

  @ApiOperation({
    summary: 'List intake keys',
    description: 'Configured (INTAKE_PUBLIC_KEYS) and admin-added keys, active and retired.',
  })
  @ApiOkResponse({ type: AdminIntakeKeyListDto, description: 'The keys.' })
  @Roles('admin')
  @Get()
  async list(): Promise<AdminIntakeKeyListDto> {
    return { keys: (await this.keys.list()).map(mapAdminIntakeKey) };
  }

  /** Adds a recipient; every instance picks it up within seconds, no restart. */
  @ApiOperation({
    summary: 'Add an intake key',
    description:
      'Adds a recipient of every new tip; every instance picks it up within 5 s, no restart. ' +
      'Audited.',
  })
  @ApiJsonBody(AddIntakeKeyDto, {
    key: { summary: 'An armored public key', value: { armored: EX.publicKey } },
  })
  @ApiCreatedResponse({ type: AdminIntakeKeyDto, description: 'Added and active.' })
  @ApiErrorResponses(
    ...JSON_BODY_ERRORS,
    {
      status: 409,
      description:
        'Conflict (`conflict`): the key is already active, or configured by INTAKE_PUBLIC_KEYS.',
      example: { code: 'conflict', message: 'This key is already active.' },
    },
    {
      status: 422,
      description:
        'Unprocessable (`unprocessable`): not a usable public encryption key (unreadable, ' +
        'private, expired, revoked, signing-only), or a development key in production.',
      example: { code: 'unprocessable', message: 'The key has no valid encryption subkey.' },
    },
  )
  @Roles('admin')
  @Post()
  @HttpCode(201)
  async add(
    @Body() body: AddIntakeKeyDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<AdminIntakeKeyDto> {
    const key = await this.keys.add(body.armored, actingStaff(me, ip));
    return mapAdminIntakeKey({
      key,
      fingerprint: key.fingerprint,
      version: key.version,
      source: 'admin',
      addedAt: new Date(),
      retiredAt: null,
    });
  }

  @ApiOperation({
    summary: 'Retire an intake key',
    description:
      'New tips are no longer encrypted to it (every instance within 5 s); existing ' +
      'ciphertext is unchanged. Audited.',
  })
  @ApiParam({ name: 'fingerprint', description: "The key's fingerprint.", example: EX.fingerprint })
  @ApiNoContentResponse({ description: 'Retired.' })
  @ApiErrorResponses(
    {
      status: 404,
      description: 'No active key with this fingerprint (`not_found`).',
      example: { code: 'not_found', message: 'No active key with this fingerprint.' },
    },
    {
      status: 409,
      description:
        'Conflict (`conflict`): the key is configured by INTAKE_PUBLIC_KEYS, or it is the ' +
        'last active key (intake would stop).',
      example: {
        code: 'conflict',
        message: 'Retiring the last active key would stop intake; add another first.',
      },
    },
  )
  @Roles('admin')
  @Delete(':fingerprint')
  @HttpCode(204)
  async retire(
    @Param('fingerprint') fingerprint: string,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<void> {
    await this.keys.retire(fingerprint, actingStaff(me, ip));
  }
}
