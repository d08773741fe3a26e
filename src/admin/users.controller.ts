import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { actingStaff, UsersService } from '../auth/users.service.js';
import { AppError } from '../common/app-error.js';
import { CurrentStaff, Roles, StaffIp } from '../common/auth/access.decorators.js';
import type { StaffPrincipal } from '../common/auth/roles.js';
import {
  CreateUserDto,
  mapUser,
  UpdateUserDto,
  type NewUserCredentialsDto,
  type UserDto,
} from './admin.dto.js';

/** Admins manage accounts; they have no route to tip content (separation of duties). */
@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Roles('admin')
  @Get()
  async list(): Promise<{ users: UserDto[] }> {
    return { users: (await this.users.list()).map(mapUser) };
  }

  @Roles('admin')
  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreateUserDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<NewUserCredentialsDto> {
    const created = await this.users.create(body.username, body.role, actingStaff(me, ip));
    return {
      user: mapUser(created.analyst),
      oneTimePassword: created.oneTimePassword,
      totpUri: created.totpUri,
    };
  }

  @Roles('admin')
  @Patch(':id')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateUserDto,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<UserDto> {
    const by = actingStaff(me, ip);
    if (body.role !== undefined) await this.users.changeRole(id, body.role, by);
    if (body.disabled !== undefined) await this.users.setDisabled(id, body.disabled, by);
    const user = await this.users.findById(id);
    if (!user) throw new AppError('not_found', 404, 'No such user.');
    return mapUser(user);
  }

  /** A new TOTP secret (lost phone): the user's sessions end. */
  @Roles('admin')
  @Post(':id/totp-reset')
  @HttpCode(200)
  async resetTotp(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentStaff() me: StaffPrincipal,
    @StaffIp() ip: string,
  ): Promise<{ user: UserDto; totpUri: string }> {
    const { analyst, totpUri } = await this.users.resetTotp(id, actingStaff(me, ip));
    return { user: mapUser(analyst), totpUri };
  }
}
