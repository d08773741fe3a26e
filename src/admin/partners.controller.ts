import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { actingStaff } from '../auth/users.service.js';
import { AppError } from '../common/app-error.js';
import { CurrentStaff, Roles, StaffIp } from '../common/auth/access.decorators.js';
import type { StaffPrincipal } from '../common/auth/roles.js';
import { PartnersService } from '../partners/partners.service.js';
import {
  AddSigningKeyDto,
  CreateApiKeyDto,
  CreatePartnerDto,
  mapApiKey,
  mapPartner,
  mapSigningKey,
  UpdatePartnerDto,
  type ApiKeyDto,
  type PartnerDto,
  type SigningKeyDto,
} from './partners.dto.js';

const partnerId = new ParseUUIDPipe({
  exceptionFactory: () => new AppError('not_found', 404, 'No such partner.'),
});

@Controller('v1/admin/partners')
export class AdminPartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Roles('admin')
  @Get()
  async list(): Promise<{ partners: PartnerDto[] }> {
    return { partners: (await this.partners.list()).map(mapPartner) };
  }

  @Roles('admin')
  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreatePartnerDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<PartnerDto> {
    return mapPartner(await this.partners.create(body, actingStaff(me, ip)));
  }

  @Roles('admin')
  @Patch(':id')
  async update(
    @Param('id', partnerId) id: string,
    @Body() body: UpdatePartnerDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<PartnerDto> {
    return mapPartner(await this.partners.update(id, body, actingStaff(me, ip)));
  }

  @Roles('admin')
  @Get(':id/api-keys')
  async listKeys(@Param('id', partnerId) id: string): Promise<{ apiKeys: ApiKeyDto[] }> {
    await this.partners.get(id);
    return { apiKeys: (await this.partners.listKeys(id)).map(mapApiKey) };
  }

  /** The key (`tpk_<id>_<secret>`) is in this response only; it is stored hashed. */
  @Roles('admin')
  @Post(':id/api-keys')
  @HttpCode(201)
  async createKey(
    @Param('id', partnerId) id: string,
    @Body() body: CreateApiKeyDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<{ apiKey: string; key: ApiKeyDto }> {
    const { key, token } = await this.partners.createKey(
      id,
      {
        label: body.label,
        scopes: body.scopes,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
      },
      actingStaff(me, ip),
    );
    return { apiKey: token, key: mapApiKey(key) };
  }

  /** Effective on the key's next request. */
  @Roles('admin')
  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  async revokeKey(
    @Param('id', partnerId) id: string,
    @Param('keyId') keyId: string,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<void> {
    await this.partners.revokeKey(id, keyId, actingStaff(me, ip));
  }

  @Roles('admin')
  @Get(':id/signing-keys')
  async listSigningKeys(
    @Param('id', partnerId) id: string,
  ): Promise<{ signingKeys: SigningKeyDto[] }> {
    await this.partners.get(id);
    return { signingKeys: (await this.partners.listSigningKeys(id)).map(mapSigningKey) };
  }

  @Roles('admin')
  @Post(':id/signing-keys')
  @HttpCode(201)
  async addSigningKey(
    @Param('id', partnerId) id: string,
    @Body() body: AddSigningKeyDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<{ fingerprint: string }> {
    const key = await this.partners.addSigningKey(id, body.armored, actingStaff(me, ip));
    return { fingerprint: key.fingerprint };
  }

  @Roles('admin')
  @Delete(':id/signing-keys/:fingerprint')
  @HttpCode(204)
  async retireSigningKey(
    @Param('id', partnerId) id: string,
    @Param('fingerprint') fingerprint: string,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<void> {
    await this.partners.retireSigningKey(id, fingerprint, actingStaff(me, ip));
  }
}
