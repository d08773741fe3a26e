import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { AnyStaff, CurrentStaff, Public, StaffIp } from '../common/auth/access.decorators.js';
import type { StaffPrincipal } from '../common/auth/roles.js';
import { ChangePasswordDto, LoginDto, type MeDto, type SessionDto } from './auth.dto.js';
import { Login } from './login.use-case.js';
import { SessionsService } from './sessions.service.js';
import { actingStaff, UsersService } from './users.service.js';

@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly login: Login,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly audit: AuditLog,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Staff login: username, password and TOTP code. Staff addresses are audited. */
  @Public()
  @Post('sessions')
  @HttpCode(201)
  create(@Body() body: LoginDto, @StaffIp() ip: string): Promise<SessionDto> {
    return this.login.execute(body, ip);
  }

  @AnyStaff({ duringPasswordChange: true })
  @Delete('sessions/current')
  @HttpCode(204)
  async logout(@CurrentStaff() me: StaffPrincipal, @StaffIp() ip: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.sessions.revoke(m, me.sessionId);
      await this.audit.append(m, {
        ...actingStaff(me, ip),
        action: 'auth.logout',
        targetType: 'session',
        targetId: me.sessionId,
      });
    });
  }

  @AnyStaff({ duringPasswordChange: true })
  @Get('me')
  me(@CurrentStaff() me: StaffPrincipal): MeDto {
    return {
      user: { id: me.analystId, username: me.username, role: me.role },
      mustChangePassword: me.mustChangePassword,
    };
  }

  /** Replace the password (required after a one-time password). Other sessions end. */
  @AnyStaff({ duringPasswordChange: true })
  @Post('password')
  @HttpCode(204)
  async changePassword(
    @CurrentStaff() me: StaffPrincipal,
    @Body() body: ChangePasswordDto,
    @StaffIp() ip: string,
  ): Promise<void> {
    await this.users.changePassword(me, body.currentPassword, body.newPassword, ip);
  }
}
