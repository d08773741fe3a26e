import { Body, Delete, Get, Param, Post } from '@nestjs/common';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor } from '../common/auth/access.decorators.js';
import { EX } from '../common/openapi/examples.js';
import { AdminRoute } from '../common/route.decorator.js';
import { StaffController } from '../common/staff-controller.decorator.js';
import { IntakeKeysService } from '../intake-keys/intake-keys.service.js';
import {
  AddIntakeKeyDto,
  AdminIntakeKeyDto,
  AdminIntakeKeyListDto,
  mapAdminIntakeKey,
} from './admin.dto.js';

@StaffController('admin-intake-keys', 'v1/admin/intake-keys')
export class AdminIntakeKeysController {
  constructor(private readonly keys: IntakeKeysService) {}

  @AdminRoute({
    summary: 'List intake keys',
    description: 'Configured (INTAKE_PUBLIC_KEYS) and admin-added keys, active and retired.',
    ok: { type: AdminIntakeKeyListDto, description: 'The keys.' },
  })
  @Get()
  async list(): Promise<AdminIntakeKeyListDto> {
    return { keys: (await this.keys.list()).map(mapAdminIntakeKey) };
  }

  @AdminRoute({
    summary: 'Add an intake key',
    description:
      'Asks for a new recipient of every tip. The key is `pending` and encrypts nothing until ' +
      'an admin other than you approves it (`POST .../{fingerprint}/approval`, within 72 hours); ' +
      'then every instance picks it up within 5 s, no restart. Audited.',
    body: {
      type: AddIntakeKeyDto,
      examples: { key: { summary: 'An armored public key', value: { armored: EX.publicKey } } },
    },
    created: {
      type: AdminIntakeKeyDto,
      description: 'Added, pending a second admin (`pending: true`).',
    },
    errors: [
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
    ],
  })
  @Post()
  async add(@Body() body: AddIntakeKeyDto, @Actor() by: StaffActor): Promise<AdminIntakeKeyDto> {
    const key = await this.keys.add(body.armored, by);
    return mapAdminIntakeKey({
      key,
      fingerprint: key.fingerprint,
      version: key.version,
      source: 'admin',
      addedAt: new Date(),
      retiredAt: null,
      approvedAt: null,
      approvedBy: null,
      addedBy: by.staff.username,
    });
  }

  @AdminRoute({
    summary: 'Approve an intake key',
    description:
      'A key added through the API encrypts nothing until an admin other than the one who ' +
      'added it approves it here (within 72 hours). Audited; every instance loads it within ' +
      'seconds, and `GET /v1/intake-keys` shows when and by whom it was approved.',
    params: [
      { name: 'fingerprint', description: 'Upper-case hex fingerprint.', example: EX.fingerprint },
    ],
    noContent: { description: 'Approved: the key is now a recipient.' },
    errors: [
      {
        status: 403,
        description: 'You added this key (`forbidden`): a second admin must approve it.',
        example: {
          code: 'forbidden',
          message: 'A second admin must approve a key: not the one who added it.',
        },
      },
      {
        status: 404,
        example: { code: 'not_found', message: 'No pending key with this fingerprint.' },
      },
      {
        status: 409,
        example: { code: 'conflict', message: 'This request has expired; add the key again.' },
      },
    ],
  })
  @Post(':fingerprint/approval')
  async approve(@Param('fingerprint') fingerprint: string, @Actor() by: StaffActor): Promise<void> {
    await this.keys.approve(fingerprint, by);
  }

  @AdminRoute({
    summary: 'Retire an intake key',
    description:
      'New tips are no longer encrypted to it (every instance within 5 s); existing ' +
      'ciphertext is unchanged. Audited.',
    params: [
      { name: 'fingerprint', description: "The key's fingerprint.", example: EX.fingerprint },
    ],
    noContent: { description: 'Retired.' },
    errors: [
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
    ],
  })
  @Delete(':fingerprint')
  async retire(@Param('fingerprint') fingerprint: string, @Actor() by: StaffActor): Promise<void> {
    await this.keys.retire(fingerprint, by);
  }
}
