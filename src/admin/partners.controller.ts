import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor, Roles } from '../common/auth/access.decorators.js';
import { EX } from '../common/openapi/examples.js';
import {
  ApiErrorResponses,
  JSON_BODY_ERRORS,
  type ErrorResponseSpec,
} from '../common/openapi/error-responses.js';
import { ApiJsonBody } from '../common/openapi/request-bodies.js';
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
import { StaffController } from '../common/staff-controller.decorator.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

const PartnerIdParam = (): MethodDecorator =>
  ApiParam({
    name: 'id',
    format: 'uuid',
    description: "The partner's id; anything else is `404`.",
    example: EX.uuid,
  });

const NO_SUCH_PARTNER: ErrorResponseSpec = {
  status: 404,
  description: 'No such partner (`not_found`).',
  example: { code: 'not_found', message: 'No such partner.' },
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

  @ApiOperation({ summary: 'List partners', description: 'Every partner, enabled or not.' })
  @ApiOkResponse({ type: PartnerListDto, description: 'The partners.' })
  @Roles('admin')
  @Get()
  async list(): Promise<PartnerListDto> {
    return { partners: (await this.partners.list()).map(mapPartner) };
  }

  @ApiOperation({
    summary: 'Create a partner',
    description: 'Then create its API keys (`POST /v1/admin/partners/{id}/api-keys`). Audited.',
  })
  @ApiJsonBody(CreatePartnerDto, {
    partner: {
      summary: 'A partner with its limits',
      value: { name: 'Example Telecom SOC', requestsPerMinute: 120, tipsPerDay: 1000 },
    },
  })
  @ApiCreatedResponse({ type: PartnerDto, description: 'Created.' })
  @ApiErrorResponses(...JSON_BODY_ERRORS, {
    status: 409,
    description: 'A partner with this name exists (`conflict`).',
    example: { code: 'conflict', message: 'A partner with this name exists.' },
  })
  @Roles('admin')
  @Post()
  @HttpCode(201)
  async create(@Body() body: CreatePartnerDto, @Actor() by: StaffActor): Promise<PartnerDto> {
    return mapPartner(await this.partners.create(body, by));
  }

  @ApiOperation({
    summary: 'Update a partner',
    description: 'Limits, signature requirement, name; disabling stops its keys at once. Audited.',
  })
  @PartnerIdParam()
  @ApiJsonBody(UpdatePartnerDto, {
    limits: { summary: 'Raise the limits', value: { requestsPerMinute: 300, tipsPerDay: 5000 } },
    disable: { summary: 'Disable', value: { disabled: true } },
  })
  @ApiOkResponse({ type: PartnerDto, description: 'The partner after the change.' })
  @ApiErrorResponses(...JSON_BODY_ERRORS, NO_SUCH_PARTNER)
  @Roles('admin')
  @Patch(':id')
  async update(
    @UuidParam('id', 'No such partner.') id: string,
    @Body() body: UpdatePartnerDto,
    @Actor() by: StaffActor,
  ): Promise<PartnerDto> {
    return mapPartner(await this.partners.update(id, body, by));
  }

  @ApiOperation({
    summary: "List a partner's API keys",
    description: 'Metadata only: secrets are stored hashed and never shown again.',
  })
  @PartnerIdParam()
  @ApiOkResponse({ type: ApiKeyListDto, description: 'The keys, oldest first.' })
  @ApiErrorResponses(NO_SUCH_PARTNER)
  @Roles('admin')
  @Get(':id/api-keys')
  async listKeys(@UuidParam('id', 'No such partner.') id: string): Promise<ApiKeyListDto> {
    await this.partners.get(id);
    return { apiKeys: (await this.apiKeys.listKeys(id)).map(mapApiKey) };
  }

  /** The key (`tpk_<id>_<secret>`) is in this response only; it is stored hashed. */
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'The key (`tpk_<id>_<secret>`) is in this response only; it is stored hashed. Audited.',
  })
  @PartnerIdParam()
  @ApiJsonBody(CreateApiKeyDto, {
    key: {
      summary: 'Submit and read back',
      value: { scopes: ['tips:submit', 'tips:read'], label: 'SOC ingestion, production' },
    },
  })
  @ApiCreatedResponse({ type: NewApiKeyDto, description: 'Created; the key is shown once.' })
  @ApiErrorResponses(...JSON_BODY_ERRORS, NO_SUCH_PARTNER)
  @Roles('admin')
  @Post(':id/api-keys')
  @HttpCode(201)
  async createKey(
    @UuidParam('id', 'No such partner.') id: string,
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

  /** Effective on the key's next request. */
  @ApiOperation({
    summary: 'Revoke an API key',
    description: "Effective on the key's next request. Audited.",
  })
  @PartnerIdParam()
  @ApiParam({
    name: 'keyId',
    description: 'The key id (`ApiKeyDto.id`).',
    example: '9f3c2a7b1d4e6f80',
  })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiErrorResponses({
    status: 404,
    description: 'No such partner, or no such active key (`not_found`).',
    example: { code: 'not_found', message: 'No such active key.' },
  })
  @Roles('admin')
  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  async revokeKey(
    @UuidParam('id', 'No such partner.') id: string,
    @Param('keyId') keyId: string,
    @Actor() by: StaffActor,
  ): Promise<void> {
    await this.apiKeys.revokeKey(id, keyId, by);
  }

  @ApiOperation({
    summary: "List a partner's signing keys",
    description: 'The OpenPGP keys whose signatures on submissions are accepted.',
  })
  @PartnerIdParam()
  @ApiOkResponse({ type: SigningKeyListDto, description: 'The signing keys.' })
  @ApiErrorResponses(NO_SUCH_PARTNER)
  @Roles('admin')
  @Get(':id/signing-keys')
  async listSigningKeys(
    @UuidParam('id', 'No such partner.') id: string,
  ): Promise<SigningKeyListDto> {
    await this.partners.get(id);
    return { signingKeys: (await this.signingKeys.listSigningKeys(id)).map(mapSigningKey) };
  }

  @ApiOperation({
    summary: 'Register a signing key',
    description: "Signatures by this key on the partner's submissions verify from now on. Audited.",
  })
  @PartnerIdParam()
  @ApiJsonBody(AddSigningKeyDto, {
    key: { summary: 'An armored public key', value: { armored: EX.publicKey } },
  })
  @ApiCreatedResponse({ type: SigningKeyAddedDto, description: 'Registered.' })
  @ApiErrorResponses(...JSON_BODY_ERRORS, NO_SUCH_PARTNER, BAD_KEY, {
    status: 409,
    description: 'This signing key is already registered (`conflict`).',
    example: { code: 'conflict', message: 'This signing key is already registered.' },
  })
  @Roles('admin')
  @Post(':id/signing-keys')
  @HttpCode(201)
  async addSigningKey(
    @UuidParam('id', 'No such partner.') id: string,
    @Body() body: AddSigningKeyDto,
    @Actor() by: StaffActor,
  ): Promise<SigningKeyAddedDto> {
    const key = await this.signingKeys.addSigningKey(id, body.armored, by);
    return { fingerprint: key.fingerprint };
  }

  @ApiOperation({
    summary: 'Retire a signing key',
    description: 'Signatures by this key no longer verify. Audited.',
  })
  @PartnerIdParam()
  @ApiParam({
    name: 'fingerprint',
    description: "The signing key's fingerprint.",
    example: EX.fingerprint,
  })
  @ApiNoContentResponse({ description: 'Retired.' })
  @ApiErrorResponses({
    status: 404,
    description: 'No such partner, or no such active signing key (`not_found`).',
    example: { code: 'not_found', message: 'No such active signing key.' },
  })
  @Roles('admin')
  @Delete(':id/signing-keys/:fingerprint')
  @HttpCode(204)
  async retireSigningKey(
    @UuidParam('id', 'No such partner.') id: string,
    @Param('fingerprint') fingerprint: string,
    @Actor() by: StaffActor,
  ): Promise<void> {
    await this.signingKeys.retireSigningKey(id, fingerprint, by);
  }
}
