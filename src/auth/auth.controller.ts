import { Body, Delete, Get, Post } from '@nestjs/common';
import type { StaffActor } from '../common/auth/actor.js';
import { Actor, AnyStaff, Public, StaffIp } from '../common/auth/access.decorators.js';
import { Route } from '../common/route.decorator.js';
import { StaffController } from '../common/staff-controller.decorator.js';
import { ChangePasswordDto, LoginDto, MeDto, SessionDto } from './auth.dto.js';
import { Login } from './login.use-case.js';
import { UsersService } from './users.service.js';

@StaffController('auth', 'v1/auth')
export class AuthController {
  constructor(
    private readonly login: Login,
    private readonly users: UsersService,
  ) {}

  @Route(Public(), {
    operationId: 'Auth_login',
    summary: 'Log in (staff)',
    description:
      'Username, password and TOTP code give a session token (`staff` scheme). Logins, failed ' +
      'ones included, are audited with the address. After a one-time password, ' +
      '`mustChangePassword` is true and only `POST /v1/auth/password` is allowed.',
    body: {
      type: LoginDto,
      examples: {
        login: {
          summary: 'Password and TOTP code',
          value: {
            username: 'a.analyst',
            password: 'violet-harbour-quantum-47-tangerine',
            totp: '492039',
          },
        },
      },
    },
    created: { type: SessionDto, description: 'A new session.' },
    errors: [
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
    ],
  })
  @Post('sessions')
  create(@Body() body: LoginDto, @StaffIp() ip: string): Promise<SessionDto> {
    return this.login.execute(body, ip);
  }

  @Route(AnyStaff({ duringPasswordChange: true }), {
    summary: 'Log out',
    description: 'Ends this session (audited).',
    noContent: { description: 'The session has ended.' },
  })
  @Delete('sessions/current')
  logout(@Actor() by: StaffActor): Promise<void> {
    return this.users.logout(by);
  }

  @Route(AnyStaff({ duringPasswordChange: true }), {
    summary: 'Who am I',
    description: 'The signed-in staff member.',
    ok: { type: MeDto, description: "The session's user." },
  })
  @Get('me')
  me(@Actor() by: StaffActor): MeDto {
    const me = by.staff;
    return {
      user: { id: me.analystId, username: me.username, role: me.role },
      mustChangePassword: me.mustChangePassword,
    };
  }

  @Route(AnyStaff({ duringPasswordChange: true }), {
    summary: 'Change password',
    description:
      'Replaces the password (required after a one-time password). Other sessions of the ' +
      'user end; this one stays.',
    body: {
      type: ChangePasswordDto,
      examples: {
        change: {
          summary: 'Replace a one-time password',
          value: {
            currentPassword: 'Xk4-one-time-Q9',
            newPassword: 'violet-harbour-quantum-47-tangerine',
          },
        },
      },
    },
    noContent: { description: 'Changed.' },
    errors: [
      {
        status: 400,
        description:
          'Bad request: `validation_failed`, also when `currentPassword` is wrong or ' +
          '`newPassword` is too weak (`details` says why), or `malformed_json`.',
        example: {
          code: 'validation_failed',
          message: 'The new password is not acceptable.',
          details: [{ field: 'newPassword', problem: 'must be at least 14 characters long' }],
        },
      },
    ],
  })
  @Post('password')
  async changePassword(@Actor() by: StaffActor, @Body() body: ChangePasswordDto): Promise<void> {
    await this.users.changePassword(by, body.currentPassword, body.newPassword);
  }
}
