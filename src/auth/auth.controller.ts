import { Body, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor, AnyStaff, Public, StaffIp } from '../common/auth/access.decorators.js';
import { ApiErrorResponses, JSON_BODY_ERRORS } from '../common/openapi/error-responses.js';
import { ApiJsonBody } from '../common/openapi/request-bodies.js';
import { ChangePasswordDto, LoginDto, MeDto, SessionDto } from './auth.dto.js';
import { Login } from './login.use-case.js';
import { UsersService } from './users.service.js';
import { StaffController } from '../common/staff-controller.decorator.js';

@StaffController('auth', 'v1/auth')
export class AuthController {
  constructor(
    private readonly login: Login,
    private readonly users: UsersService,
  ) {}

  @ApiOperation({
    operationId: 'Auth_login',
    summary: 'Log in (staff)',
    description:
      'Username, password and TOTP code give a session token (`staff` scheme). Logins, failed ' +
      'ones included, are audited with the address. After a one-time password, ' +
      '`mustChangePassword` is true and only `POST /v1/auth/password` is allowed.',
  })
  @ApiJsonBody(LoginDto, {
    login: {
      summary: 'Password and TOTP code',
      value: {
        username: 'a.analyst',
        password: 'violet-harbour-quantum-47-tangerine',
        totp: '492039',
      },
    },
  })
  @ApiCreatedResponse({ type: SessionDto, description: 'A new session.' })
  @ApiErrorResponses(
    ...JSON_BODY_ERRORS,
    {
      status: 401,
      description:
        'Unauthenticated (`unauthenticated`): unknown user, wrong password, wrong or reused ' +
        'code, or a disabled account; all get the same answer after the same work.',
      example: { code: 'unauthenticated', message: 'Invalid username, password or code.' },
    },
    {
      status: 429,
      description:
        'Also `rate_limited` after 5 failed logins a minute from one address on one account, ' +
        '30 in 10 minutes from one address, or 100 an hour on one account from all addresses.',
      example: { code: 'rate_limited', message: 'Too many failed logins; try again later.' },
    },
  )
  @Public()
  @Post('sessions')
  @HttpCode(201)
  create(@Body() body: LoginDto, @StaffIp() ip: string): Promise<SessionDto> {
    return this.login.execute(body, ip);
  }

  @ApiOperation({ summary: 'Log out', description: 'Ends this session (audited).' })
  @ApiNoContentResponse({ description: 'The session has ended.' })
  @AnyStaff({ duringPasswordChange: true })
  @Delete('sessions/current')
  @HttpCode(204)
  logout(@Actor() by: StaffActor): Promise<void> {
    return this.users.logout(by);
  }

  @ApiOperation({ summary: 'Who am I', description: 'The signed-in staff member.' })
  @ApiOkResponse({ type: MeDto, description: "The session's user." })
  @AnyStaff({ duringPasswordChange: true })
  @Get('me')
  me(@Actor() by: StaffActor): MeDto {
    const me = by.staff;
    return {
      user: { id: me.analystId, username: me.username, role: me.role },
      mustChangePassword: me.mustChangePassword,
    };
  }

  @ApiOperation({
    summary: 'Change password',
    description:
      'Replaces the password (required after a one-time password). Other sessions of the ' +
      'user end; this one stays.',
  })
  @ApiJsonBody(ChangePasswordDto, {
    change: {
      summary: 'Replace a one-time password',
      value: {
        currentPassword: 'Xk4-one-time-Q9',
        newPassword: 'violet-harbour-quantum-47-tangerine',
      },
    },
  })
  @ApiNoContentResponse({ description: 'Changed.' })
  @ApiErrorResponses(...JSON_BODY_ERRORS, {
    status: 400,
    description:
      'Bad request: `validation_failed`, also when `currentPassword` is wrong or `newPassword` ' +
      'is too weak (`details` says why), or `malformed_json`.',
    example: {
      code: 'validation_failed',
      message: 'The new password is not acceptable.',
      details: [{ field: 'newPassword', problem: 'must be at least 14 characters long' }],
    },
  })
  @AnyStaff({ duringPasswordChange: true })
  @Post('password')
  @HttpCode(204)
  async changePassword(@Actor() by: StaffActor, @Body() body: ChangePasswordDto): Promise<void> {
    await this.users.changePassword(by, body.currentPassword, body.newPassword);
  }
}
