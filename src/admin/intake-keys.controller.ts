import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { actingStaff } from '../auth/users.service.js';
import { CurrentStaff, Roles, StaffIp } from '../common/auth/access.decorators.js';
import type { StaffPrincipal } from '../common/auth/roles.js';
import { IntakeKeysService } from '../crypto/intake-keys.service.js';
import { AddIntakeKeyDto, mapAdminIntakeKey, type AdminIntakeKeyDto } from './admin.dto.js';

@Controller('v1/admin/intake-keys')
export class AdminIntakeKeysController {
  constructor(private readonly keys: IntakeKeysService) {}

  @Roles('admin')
  @Get()
  async list(): Promise<{ keys: AdminIntakeKeyDto[] }> {
    return { keys: (await this.keys.list()).map(mapAdminIntakeKey) };
  }

  /** Adds a recipient; every instance picks it up within seconds, no restart. */
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
