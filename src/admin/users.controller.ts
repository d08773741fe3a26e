import { Body, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { UsersService } from '../auth/users.service.js';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor, Roles } from '../common/auth/access.decorators.js';
import { EX } from '../common/openapi/examples.js';
import {
  ApiErrorResponses,
  JSON_BODY_ERRORS,
  type ErrorResponseSpec,
} from '../common/openapi/error-responses.js';
import { ApiJsonBody } from '../common/openapi/request-bodies.js';
import {
  CreateUserDto,
  mapUser,
  NewUserCredentialsDto,
  TotpResetDto,
  UpdateUserDto,
  UserDto,
  UserListDto,
} from './admin.dto.js';
import { StaffController } from '../common/staff-controller.decorator.js';

const UserIdParam = (): MethodDecorator =>
  ApiParam({ name: 'id', format: 'uuid', description: "The user's id.", example: EX.uuid });

const USER_ID_ERRORS: ErrorResponseSpec[] = [
  {
    status: 400,
    description: 'Bad request: `bad_request` (the id is not a UUID) or `validation_failed`.',
  },
  {
    status: 404,
    description: 'No such user (`not_found`).',
    example: { code: 'not_found', message: 'No such user.' },
  },
];

/** Admins manage accounts; they have no route to tip content (separation of duties). */
@StaffController('admin-users', 'v1/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @ApiOperation({ summary: 'List staff accounts', description: 'Every account, enabled or not.' })
  @ApiOkResponse({ type: UserListDto, description: 'The accounts.' })
  @Roles('admin')
  @Get()
  async list(): Promise<UserListDto> {
    return { users: (await this.users.list()).map(mapUser) };
  }

  @ApiOperation({
    summary: 'Create a staff account',
    description:
      'Returns a one-time password (it allows nothing but `POST /v1/auth/password`) and the ' +
      'TOTP secret, once. An `analyst`, `lead` or `admin` role grants nothing until a second ' +
      'person approves it (`POST .../{id}/role-approval`, within 72 hours). Audited.',
  })
  @ApiJsonBody(CreateUserDto, {
    lead: { summary: 'A lead', value: { username: 'b.lead', role: 'lead' } },
  })
  @ApiCreatedResponse({
    type: NewUserCredentialsDto,
    description: 'Created; the credentials are in this response only.',
  })
  @ApiErrorResponses(...JSON_BODY_ERRORS, {
    status: 409,
    description: 'A user with this username exists (`conflict`).',
    example: { code: 'conflict', message: 'A user with this username exists.' },
  })
  @Roles('admin')
  @Post()
  @HttpCode(201)
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

  @ApiOperation({
    summary: 'Change a role or disable an account',
    description:
      "Disabling ends the user's sessions at once. Not on your own account. A new `analyst`, " +
      '`lead` or `admin` role grants nothing until a second person approves it. Audited.',
  })
  @UserIdParam()
  @ApiJsonBody(UpdateUserDto, {
    disable: { summary: 'Disable', value: { disabled: true } },
    role: { summary: 'Change the role', value: { role: 'analyst' } },
  })
  @ApiOkResponse({ type: UserDto, description: 'The account after the change.' })
  @ApiErrorResponses(...JSON_BODY_ERRORS, ...USER_ID_ERRORS, {
    status: 409,
    description: 'You cannot change your own role or disable your own account (`conflict`).',
    example: { code: 'conflict', message: 'You cannot disable your own account.' },
  })
  @Roles('admin')
  @Patch(':id')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateUserDto,
    @Actor() by: StaffActor,
  ): Promise<UserDto> {
    const user = await this.users.update(id, body, by);
    return mapUser(user);
  }

  @ApiOperation({
    summary: 'Reset TOTP',
    description: "A new TOTP secret (lost phone), returned once; the user's sessions end. Audited.",
  })
  @UserIdParam()
  @ApiOkResponse({ type: TotpResetDto, description: 'The new secret, in this response only.' })
  @ApiErrorResponses(...USER_ID_ERRORS)
  @Roles('admin')
  @Post(':id/totp-reset')
  @HttpCode(200)
  async resetTotp(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Actor() by: StaffActor,
  ): Promise<TotpResetDto> {
    const { analyst, totpUri } = await this.users.resetTotp(id, by);
    return { user: mapUser(analyst), totpUri };
  }

  @ApiOperation({
    summary: 'Approve a pending role',
    description:
      'A role granted through the API (`analyst`, `lead`, `admin`) takes effect only once a ' +
      'second person approves it here: a lead or an admin for `analyst` and `lead`, an admin ' +
      'for `admin`; never the one who asked for it, nor the user who gets it. Requests lapse ' +
      'after 72 hours. Audited.',
  })
  @UserIdParam()
  @ApiOkResponse({ type: UserDto, description: 'Approved: the role is in effect.' })
  @ApiErrorResponses(...USER_ID_ERRORS, {
    status: 409,
    description: 'The request has expired (`conflict`).',
    example: {
      code: 'conflict',
      message: 'This request has expired; ask for the role again (PATCH the user).',
    },
  })
  @Roles('admin', 'lead')
  @Post(':id/role-approval')
  @HttpCode(200)
  async approveRole(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Actor() by: StaffActor,
  ): Promise<UserDto> {
    return mapUser(await this.users.approveRole(id, by));
  }
}
