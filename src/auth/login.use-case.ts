import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import { Analyst } from './analyst.entity.js';
import type { LoginDto, SessionDto } from './auth.dto.js';
import { LoginThrottle } from './login-throttle.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { SessionsService } from './sessions.service.js';
import { verifyTotp } from './totp.js';
import { UsersService } from './users.service.js';

const INVALID = (): AppError =>
  new AppError('unauthenticated', 401, 'Invalid username, password or code.');

/**
 * Password (argon2id) and TOTP, both always checked, so an unknown user, a
 * disabled one and a wrong password take the same time and get the same answer.
 */
@Injectable()
export class Login {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(input: LoginDto, ip: string): Promise<SessionDto> {
    const username = input.username.trim().toLowerCase();
    await this.throttle.check(username, ip);

    const analyst = await this.users.findByUsername(username);
    const passwordOk = await verifyPassword(
      analyst?.passwordHash ?? (await dummyPasswordHash()),
      input.password,
    );
    let step: bigint | null = null;
    if (analyst) {
      step = verifyTotp(
        this.users.openTotp(analyst),
        input.totp,
        analyst.totpLastStep === null ? null : BigInt(analyst.totpLastStep),
      );
    }
    const ok = analyst !== null && analyst.disabledAt === null && passwordOk && step !== null;

    if (!ok) {
      await this.throttle.recordFailure(username, ip);
      await this.audit.record({
        actor: analyst ? { id: analyst.id, username: analyst.username, role: analyst.role } : null,
        action: 'auth.login_failed',
        targetType: analyst ? 'analyst' : undefined,
        targetId: analyst?.id,
        ip,
        // Which factor failed stays out of the answer, but the auditor may see it.
        details: analyst
          ? {
              reason: analyst.disabledAt ? 'disabled' : !passwordOk ? 'password' : 'totp',
            }
          : { reason: 'unknown_user' },
      });
      throw INVALID();
    }
    await this.throttle.recordSuccess(username, ip);

    return this.dataSource.transaction(async (m) => {
      // The code is spent: the same code cannot log in twice.
      const spent = await m
        .createQueryBuilder()
        .update(Analyst)
        .set({ totpLastStep: step!.toString() })
        .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', {
          id: analyst.id,
          step: step!.toString(),
        })
        .execute();
      if (spent.affected !== 1) throw INVALID();
      const session = await this.sessions.issue(m, analyst.id);
      await this.audit.append(m, {
        actor: { id: analyst.id, username: analyst.username, role: analyst.role },
        action: 'auth.login_succeeded',
        targetType: 'session',
        targetId: session.sessionId,
        ip,
      });
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        mustChangePassword: analyst.mustChangePassword,
        user: { id: analyst.id, username: analyst.username, role: analyst.role },
      };
    });
  }
}
