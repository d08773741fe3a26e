import { Body, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor } from '../common/auth/access.decorators.js';
import { EX } from '../common/openapi/examples.js';
import type { ErrorResponseSpec } from '../common/openapi/error-responses.js';
import { AdminRoute } from '../common/route.decorator.js';
import { StaffController } from '../common/staff-controller.decorator.js';
import { UuidParam, type UuidPath } from '../common/uuid-param.decorator.js';
import { PartnerApiKeysService } from '../partners/partner-api-keys.service.js';
import { PartnerSigningKeysService } from '../partners/partner-signing-keys.service.js';
import { PartnersService } from '../partners/partners.service.js';
import {
  AddSigningKeyDto,
  ApiKeyListDto,
  CreateApiKeyDto,
  CreatePartnerDto,
  mapApiKey,
  mapPartner,
  mapSigningKey,
  NewApiKeyDto,
  PartnerDto,
  PartnerListDto,
  SigningKeyAddedDto,
  SigningKeyListDto,
  UpdatePartnerDto,
} from './partners.dto.js';

const PARTNER_ID: UuidPath = {
  name: 'id',
  description: "The partner's id; anything else is `404`.",
  notFound: 'No such partner.',
};

const BAD_KEY: ErrorResponseSpec = {
  status: 422,
  description:
    'Unprocessable (`unprocessable`): not a usable OpenPGP public signing key (unreadable, ' +
    'private, expired or revoked).',
  example: { code: 'unprocessable', message: 'The key is not a valid OpenPGP public key.' },
};

@StaffController('admin-partners', 'v1/admin/partners')
export class AdminPartnersController {
  constructor(
    private readonly partners: PartnersService,
    private readonly apiKeys: PartnerApiKeysService,
    private readonly signingKeys: PartnerSigningKeysService,
  ) {}

  @AdminRoute({
    summary: 'List partners',
    description: 'Every partner, enabled or not.',
    ok: { type: PartnerListDto, description: 'The partners.' },
  })
  @Get()
  async list(): Promise<PartnerListDto> {
    return { partners: (await this.partners.list()).map(mapPartner) };
  }

  @AdminRoute({
    summary: 'Create a partner',
    description: 'Then create its API keys (`POST /v1/admin/partners/{id}/api-keys`). Audited.',
    body: {
      type: CreatePartnerDto,
      examples: {
        partner: {
          summary: 'A partner with its limits',
          value: { name: 'Example Telecom SOC', requestsPerMinute: 120, tipsPerDay: 1000 },
        },
      },
    },
    created: { type: PartnerDto, description: 'Created.' },
    errors: [
      {
        status: 409,
        description: 'A partner with this name exists (`conflict`).',
        example: { code: 'conflict', message: 'A partner with this name exists.' },
      },
    ],
  })
  @Post()
  async create(@Body() body: CreatePartnerDto, @Actor() by: StaffActor): Promise<PartnerDto> {
    return mapPartner(await this.partners.create(body, by));
  }

  @AdminRoute({
    summary: 'Update a partner',
    description: 'Limits, signature requirement, name; disabling stops its keys at once. Audited.',
    params: [PARTNER_ID],
    body: {
      type: UpdatePartnerDto,
      examples: {
        limits: {
          summary: 'Raise the limits',
          value: { requestsPerMinute: 300, tipsPerDay: 5000 },
        },
        disable: { summary: 'Disable', value: { disabled: true } },
      },
    },
    ok: { type: PartnerDto, description: 'The partner after the change.' },
  })
  @Patch(':id')
  async update(
    @UuidParam(PARTNER_ID) id: string,
    @Body() body: UpdatePartnerDto,
    @Actor() by: StaffActor,
  ): Promise<PartnerDto> {
    return mapPartner(await this.partners.update(id, body, by));
  }

  @AdminRoute({
    summary: "List a partner's API keys",
    description: 'Metadata only: secrets are stored hashed and never shown again.',
    params: [PARTNER_ID],
    ok: { type: ApiKeyListDto, description: 'The keys, oldest first.' },
  })
  @Get(':id/api-keys')
  async listKeys(@UuidParam(PARTNER_ID) id: string): Promise<ApiKeyListDto> {
    await this.partners.get(id);
    return { apiKeys: (await this.apiKeys.listKeys(id)).map(mapApiKey) };
  }

  @AdminRoute({
    summary: 'Create an API key',
    description:
      'The key (`tpk_<id>_<secret>`) is in this response only; it is stored hashed. Audited.',
    params: [PARTNER_ID],
    body: {
      type: CreateApiKeyDto,
      examples: {
        key: {
          summary: 'Submit and read back',
          value: { scopes: ['tips:submit', 'tips:read'], label: 'SOC ingestion, production' },
        },
      },
    },
    created: { type: NewApiKeyDto, description: 'Created; the key is shown once.' },
  })
  @Post(':id/api-keys')
  async createKey(
    @UuidParam(PARTNER_ID) id: string,
    @Body() body: CreateApiKeyDto,
    @Actor() by: StaffActor,
  ): Promise<NewApiKeyDto> {
    const { key, token } = await this.apiKeys.createKey(
      id,
      {
        label: body.label,
        scopes: body.scopes,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
      },
      by,
    );
    return { apiKey: token, key: mapApiKey(key) };
  }

  @AdminRoute({
    summary: 'Revoke an API key',
    description: "Effective on the key's next request. Audited.",
    params: [
      PARTNER_ID,
      { name: 'keyId', description: 'The key id (`ApiKeyDto.id`).', example: '9f3c2a7b1d4e6f80' },
    ],
    noContent: { description: 'Revoked.' },
    errors: [
      {
        status: 404,
        description: 'No such partner, or no such active key (`not_found`).',
        example: { code: 'not_found', message: 'No such active key.' },
      },
    ],
  })
  @Delete(':id/api-keys/:keyId')
  async revokeKey(
    @UuidParam(PARTNER_ID) id: string,
    @Param('keyId') keyId: string,
    @Actor() by: StaffActor,
  ): Promise<void> {
    await this.apiKeys.revokeKey(id, keyId, by);
  }

  @AdminRoute({
    summary: "List a partner's signing keys",
    description: 'The OpenPGP keys whose signatures on submissions are accepted.',
    params: [PARTNER_ID],
    ok: { type: SigningKeyListDto, description: 'The signing keys.' },
  })
  @Get(':id/signing-keys')
  async listSigningKeys(@UuidParam(PARTNER_ID) id: string): Promise<SigningKeyListDto> {
    await this.partners.get(id);
    return { signingKeys: (await this.signingKeys.listSigningKeys(id)).map(mapSigningKey) };
  }

  @AdminRoute({
    summary: 'Register a signing key',
    description: "Signatures by this key on the partner's submissions verify from now on. Audited.",
    params: [PARTNER_ID],
    body: {
      type: AddSigningKeyDto,
      examples: { key: { summary: 'An armored public key', value: { armored: EX.publicKey } } },
    },
    created: { type: SigningKeyAddedDto, description: 'Registered.' },
    errors: [
      BAD_KEY,
      {
        status: 409,
        description: 'This signing key is already registered (`conflict`).',
        example: { code: 'conflict', message: 'This signing key is already registered.' },
      },
    ],
  })
  @Post(':id/signing-keys')
  async addSigningKey(
    @UuidParam(PARTNER_ID) id: string,
    @Body() body: AddSigningKeyDto,
    @Actor() by: StaffActor,
  ): Promise<SigningKeyAddedDto> {
    const key = await this.signingKeys.addSigningKey(id, body.armored, by);
    return { fingerprint: key.fingerprint };
  }

  @AdminRoute({
    summary: 'Retire a signing key',
    description: 'Signatures by this key no longer verify. Audited.',
    params: [
      PARTNER_ID,
      {
        name: 'fingerprint',
        description: "The signing key's fingerprint.",
        example: EX.fingerprint,
      },
    ],
    noContent: { description: 'Retired.' },
    errors: [
      {
        status: 404,
        description: 'No such partner, or no such active signing key (`not_found`).',
        example: { code: 'not_found', message: 'No such active signing key.' },
      },
    ],
  })
  @Delete(':id/signing-keys/:fingerprint')
  async retireSigningKey(
    @UuidParam(PARTNER_ID) id: string,
    @Param('fingerprint') fingerprint: string,
    @Actor() by: StaffActor,
  ): Promise<void> {
    await this.signingKeys.retireSigningKey(id, fingerprint, by);
  }
}
