import { Body, Get, Patch, Post } from '@nestjs/common';
import { UsersService } from '../auth/users.service.js';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor } from '../common/auth/access.decorators.js';
import { AdminRoute } from '../common/route.decorator.js';
import { StaffController } from '../common/staff-controller.decorator.js';
import { UuidParam, type UuidPath } from '../common/uuid-param.decorator.js';
import {
  CreateUserDto,
  mapUser,
  NewUserCredentialsDto,
  TotpResetDto,
  UpdateUserDto,
  UserDto,
  UserListDto,
} from './admin.dto.js';

const USER_ID: UuidPath = {
  name: 'id',
  description: "The user's id.",
  notFound: 'No such user.',
  badRequest: 'Bad request: `bad_request` (the id is not a UUID) or `validation_failed`.',
};

/** Admins manage accounts; they have no route to tip content (separation of duties). */
@StaffController('admin-users', 'v1/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @AdminRoute({
    summary: 'List staff accounts',
    description: 'Every account, enabled or not.',
    ok: { type: UserListDto, description: 'The accounts.' },
  })
  @Get()
  async list(): Promise<UserListDto> {
    return { users: (await this.users.list()).map(mapUser) };
  }

  @AdminRoute({
    summary: 'Create a staff account',
    description:
      'Returns a one-time password (it allows nothing but `POST /v1/auth/password`) and the ' +
      'TOTP secret, once. An `analyst`, `lead` or `admin` role grants nothing until a second ' +
      'person approves it (`POST .../{id}/role-approval`, within 72 hours). Audited.',
    body: {
      type: CreateUserDto,
      examples: { lead: { summary: 'A lead', value: { username: 'b.lead', role: 'lead' } } },
    },
    created: {
      type: NewUserCredentialsDto,
      description: 'Created; the credentials are in this response only.',
    },
    errors: [
      {
        status: 409,
        description: 'A user with this username exists (`conflict`).',
        example: { code: 'conflict', message: 'A user with this username exists.' },
      },
    ],
  })
  @Post()
  async create(
    @Body() body: CreateUserDto,
    @Actor() by: StaffActor,
  ): Promise<NewUserCredentialsDto> {
    const created = await this.users.create(body.username, body.role, by);
    return {
      user: mapUser(created.analyst),
      oneTimePassword: created.oneTimePassword,
      totpUri: created.totpUri,
    };
  }

  @AdminRoute({
    summary: 'Change a role or disable an account',
    description:
      "Disabling ends the user's sessions at once. Not on your own account. A new `analyst`, " +
      '`lead` or `admin` role grants nothing until a second person approves it. Audited.',
    params: [USER_ID],
    body: {
      type: UpdateUserDto,
      examples: {
        disable: { summary: 'Disable', value: { disabled: true } },
        role: { summary: 'Change the role', value: { role: 'analyst' } },
      },
    },
    ok: { type: UserDto, description: 'The account after the change.' },
    errors: [
      {
        status: 409,
        description: 'You cannot change your own role or disable your own account (`conflict`).',
        example: { code: 'conflict', message: 'You cannot disable your own account.' },
      },
    ],
  })
  @Patch(':id')
  async update(
    @UuidParam(USER_ID) id: string,
    @Body() body: UpdateUserDto,
    @Actor() by: StaffActor,
  ): Promise<UserDto> {
    const user = await this.users.update(id, body, by);
    return mapUser(user);
  }

  @AdminRoute({
    summary: 'Reset TOTP',
    description: "A new TOTP secret (lost phone), returned once; the user's sessions end. Audited.",
    params: [USER_ID],
    ok: { type: TotpResetDto, description: 'The new secret, in this response only.' },
  })
  @Post(':id/totp-reset')
  async resetTotp(@UuidParam(USER_ID) id: string, @Actor() by: StaffActor): Promise<TotpResetDto> {
    const { analyst, totpUri } = await this.users.resetTotp(id, by);
    return { user: mapUser(analyst), totpUri };
  }

  @AdminRoute({
    roles: ['admin', 'lead'],
    summary: 'Approve a pending role',
    description:
      'A role granted through the API (`analyst`, `lead`, `admin`) takes effect only once a ' +
      'second person approves it here: a lead or an admin for `analyst` and `lead`, an admin ' +
      'for `admin`; never the one who asked for it, nor the user who gets it. Requests lapse ' +
      'after 72 hours. Audited.',
    params: [USER_ID],
    ok: { type: UserDto, description: 'Approved: the role is in effect.' },
    errors: [
      {
        status: 409,
        description: 'The request has expired (`conflict`).',
        example: {
          code: 'conflict',
          message: 'This request has expired; ask for the role again (PATCH the user).',
        },
      },
    ],
  })
  @Post(':id/role-approval')
  async approveRole(@UuidParam(USER_ID) id: string, @Actor() by: StaffActor): Promise<UserDto> {
    return mapUser(await this.users.approveRole(id, by));
  }
}
