import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { v7 as uuidv7 } from 'uuid';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation.js';
import { AuditLog, type Actor } from '../audit/audit-log.js';
import type { StaffActor } from '../common/auth/actor.js';
import { AppError } from '../common/app-error.js';
import type { StaffRole } from '../common/auth/roles.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { Analyst } from './analyst.entity.js';
import { hashPassword, oneTimePassword, passwordProblems, verifyPassword } from './passwords.js';
import { SessionsService } from './sessions.service.js';
import { newTotpSecret, totpUri } from './totp.js';

export const TOTP_SECRET_BOX = Symbol('TOTP_SECRET_BOX');

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/**
 * Roles whose grant through the API needs a second person: those that read
 * tip content (analyst, lead) and those that approve (lead, admin); else one
 * admin could make a second admin and approve with it.
 */
export const ROLES_NEEDING_APPROVAL: readonly StaffRole[] = ['analyst', 'lead', 'admin'];

/** A lead or an admin approves a content role; only an admin approves an admin. */
export function mayApproveRole(approver: StaffRole, granted: StaffRole): boolean {
  return granted === 'admin' ? approver === 'admin' : approver === 'lead' || approver === 'admin';
}

/** A request nobody approved within this time lapses. */
export const APPROVAL_TTL_MS = 72 * 3_600_000;

export function approvalExpired(requestedAt: Date | null, now = Date.now()): boolean {
  return requestedAt === null || now - requestedAt.getTime() > APPROVAL_TTL_MS;
}

export function approvalExpiresAt(requestedAt: Date | null): Date | null {
  return requestedAt === null ? null : new Date(requestedAt.getTime() + APPROVAL_TTL_MS);
}

/**
 * The approval columns for a role being set. A content role asked for by a
 * staff member waits for a second person; anything set on the server host
 * (tipctl, no actor) or a role that reads no content is in effect at once.
 */
function roleGrant(
  role: StaffRole,
  by: Actor,
): Pick<Analyst, 'roleRequestedBy' | 'roleRequestedAt' | 'roleApprovedBy' | 'roleApprovedAt'> {
  const now = new Date();
  const pending = by.actor !== null && ROLES_NEEDING_APPROVAL.includes(role);
  return {
    roleRequestedBy: by.actor?.id ?? null,
    roleRequestedAt: now,
    roleApprovedBy: null,
    roleApprovedAt: pending ? null : now,
  };
}

export interface Credentials {
  analyst: Analyst;
  /** Shown once; the user must replace it at first login. */
  oneTimePassword: string;
  /** otpauth:// URI with the TOTP secret; shown once. */
  totpUri: string;
}

/** Staff accounts: used by the admin API and by `tipctl users` on the server host. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TOTP_SECRET_BOX) private readonly totpBox: SecretBox,
    private readonly audit: AuditLog,
    private readonly sessions: SessionsService,
  ) {}

  sealTotp(analystId: string, secret: string): Buffer {
    return this.totpBox.seal(Buffer.from(secret, 'utf8'), `analyst:${analystId}`);
  }

  openTotp(analyst: Analyst): string {
    return this.totpBox.open(analyst.totpSecret, `analyst:${analyst.id}`).toString('utf8');
  }

  list(): Promise<Analyst[]> {
    return this.dataSource.getRepository(Analyst).find({ order: { username: 'ASC' } });
  }

  findById(id: string): Promise<Analyst | null> {
    return this.dataSource.getRepository(Analyst).findOneBy({ id });
  }

  findByUsername(username: string): Promise<Analyst | null> {
    return this.dataSource.getRepository(Analyst).findOneBy({ username });
  }

  private async mustFind(manager: EntityManager, id: string): Promise<Analyst> {
    const analyst = await manager.findOne(Analyst, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!analyst) throw new AppError('not_found', 404, 'No such user.');
    return analyst;
  }

  async create(username: string, role: StaffRole, by: Actor): Promise<Credentials> {
    const name = username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(name)) {
      throw new AppError('validation_failed', 400, 'The request body is invalid.', [
        { field: 'username', problem: '2-63 characters: a-z, 0-9, dot, underscore, hyphen' },
      ]);
    }
    const id = uuidv7();
    const password = oneTimePassword();
    const secret = newTotpSecret();
    const analyst: Analyst = {
      id,
      username: name,
      role,
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      totpSecret: this.sealTotp(id, secret),
      totpLastStep: null,
      disabledAt: null,
      ...roleGrant(role, by),
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    try {
      await this.dataSource.transaction(async (m) => {
        await m.insert(Analyst, analyst);
        await this.audit.append(m, {
          ...by,
          action: 'user.created',
          targetType: 'analyst',
          targetId: id,
          details: { username: name, role },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('conflict', 409, 'A user with this username exists.');
      }
      throw err;
    }
    return { analyst, oneTimePassword: password, totpUri: totpUri(secret, name) };
  }

  /**
   * An admin's change to an account (`PATCH /v1/admin/users/{id}`): the role
   * first, then enabled or disabled, in one transaction; the account after it.
   */
  async update(
    id: string,
    change: { role?: StaffRole; disabled?: boolean },
    by: Actor,
  ): Promise<Analyst> {
    if (change.role !== undefined && by.actor?.id === id)
      throw new AppError('conflict', 409, 'You cannot change your own role.');
    if (change.disabled === true && by.actor?.id === id) {
      throw new AppError('conflict', 409, 'You cannot disable your own account.');
    }
    return this.dataSource.transaction(async (m) => {
      if (change.role !== undefined) await this.changeRole(m, id, change.role, by);
      if (change.disabled !== undefined) await this.setDisabled(m, id, change.disabled, by);
      const analyst = await m.findOneBy(Analyst, { id });
      if (!analyst) throw new AppError('not_found', 404, 'No such user.');
      return analyst;
    });
  }

  private async setDisabled(
    m: EntityManager,
    id: string,
    disabled: boolean,
    by: Actor,
  ): Promise<void> {
    const analyst = await this.mustFind(m, id);
    if ((analyst.disabledAt !== null) === disabled) return;
    analyst.disabledAt = disabled ? new Date() : null;
    analyst.updatedAt = new Date();
    await m.update(
      Analyst,
      { id },
      { disabledAt: analyst.disabledAt, updatedAt: analyst.updatedAt },
    );
    // Disabling ends every live session at once.
    if (disabled) await this.sessions.revokeAll(m, id);
    await this.audit.append(m, {
      ...by,
      action: disabled ? 'user.disabled' : 'user.enabled',
      targetType: 'analyst',
      targetId: id,
      details: { username: analyst.username },
    });
  }

  private async changeRole(
    m: EntityManager,
    id: string,
    role: StaffRole,
    by: Actor,
  ): Promise<void> {
    const analyst = await this.mustFind(m, id);
    if (analyst.role === role) return;
    const from = analyst.role;
    const grant = roleGrant(role, by);
    await m.update(Analyst, { id }, { role, ...grant, updatedAt: new Date() });
    await this.audit.append(m, {
      ...by,
      action: 'user.role_changed',
      targetType: 'analyst',
      targetId: id,
      details: {
        username: analyst.username,
        from,
        to: role,
        pendingApproval: grant.roleApprovedAt === null,
      },
    });
  }

  /** Content roles granted through the API and not yet approved, newest first. */
  async pendingRoleGrants(): Promise<Analyst[]> {
    return this.dataSource.getRepository(Analyst).find({
      where: { roleApprovedAt: IsNull(), disabledAt: IsNull() },
      order: { roleRequestedAt: 'DESC' },
    });
  }

  /**
   * The second person: a lead or an admin who is neither the one who asked
   * nor the one who gets the role approves a pending content role.
   */
  async approveRole(id: string, by: Actor): Promise<Analyst> {
    const approver = by.actor;
    return this.dataSource.transaction(async (m) => {
      const analyst = await this.mustFind(m, id);
      if (analyst.roleApprovedAt !== null || analyst.disabledAt !== null) {
        throw new AppError('not_found', 404, 'No pending role for this user.');
      }
      if (!approver || !mayApproveRole(approver.role as StaffRole, analyst.role)) {
        throw new AppError(
          'forbidden',
          403,
          'A lead or an admin approves analyst and lead roles; only an admin approves an admin.',
        );
      }
      if (approver.id === analyst.roleRequestedBy || approver.id === analyst.id) {
        throw new AppError(
          'forbidden',
          403,
          'A second person must approve: not the one who asked, nor the one who gets the role.',
        );
      }
      if (approvalExpired(analyst.roleRequestedAt)) {
        throw new AppError(
          'conflict',
          409,
          'This request has expired; ask for the role again (PATCH the user).',
        );
      }
      analyst.roleApprovedBy = approver.id;
      analyst.roleApprovedAt = new Date();
      await m.update(
        Analyst,
        { id },
        { roleApprovedBy: analyst.roleApprovedBy, roleApprovedAt: analyst.roleApprovedAt },
      );
      await this.audit.append(m, {
        ...by,
        action: 'user.role_approved',
        targetType: 'analyst',
        targetId: id,
        details: {
          username: analyst.username,
          role: analyst.role,
          requestedBy: analyst.roleRequestedBy,
        },
      });
      return analyst;
    });
  }

  /** New TOTP secret (a lost phone); ends the user's sessions. Returns the new otpauth URI. */
  async resetTotp(id: string, by: Actor): Promise<{ analyst: Analyst; totpUri: string }> {
    const secret = newTotpSecret();
    return this.dataSource.transaction(async (m) => {
      const analyst = await this.mustFind(m, id);
      analyst.totpSecret = this.sealTotp(id, secret);
      analyst.totpLastStep = null;
      analyst.updatedAt = new Date();
      await m.update(
        Analyst,
        { id },
        { totpSecret: analyst.totpSecret, totpLastStep: null, updatedAt: analyst.updatedAt },
      );
      await this.sessions.revokeAll(m, id);
      await this.audit.append(m, {
        ...by,
        action: 'user.totp_reset',
        targetType: 'analyst',
        targetId: id,
        details: { username: analyst.username },
      });
      return { analyst, totpUri: totpUri(secret, analyst.username) };
    });
  }

  /** The user's own password change; other sessions end. */
  async changePassword(
    by: StaffActor,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const principal = by.staff;
    const analyst = await this.dataSource
      .getRepository(Analyst)
      .findOneByOrFail({ id: principal.analystId });
    if (!(await verifyPassword(analyst.passwordHash, currentPassword))) {
      throw new AppError('validation_failed', 400, 'The request body is invalid.', [
        { field: 'currentPassword', problem: 'is not your current password' },
      ]);
    }
    const problems = await passwordProblems(newPassword, analyst.username);
    if (currentPassword === newPassword) problems.push('must differ from the current password');
    if (problems.length > 0) {
      throw new AppError(
        'validation_failed',
        400,
        'The new password is not acceptable.',
        problems.map((problem) => ({ field: 'newPassword', problem })),
      );
    }
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      await m.update(
        Analyst,
        { id: analyst.id },
        { passwordHash, mustChangePassword: false, updatedAt: new Date() },
      );
      await this.sessions.revokeAll(m, analyst.id, principal.sessionId);
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'auth.password_changed',
        targetType: 'analyst',
        targetId: analyst.id,
      });
    });
  }

  /** Ends the caller's own session, audited. */
  async logout(by: StaffActor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.sessions.revoke(m, by.staff.sessionId);
      await this.audit.append(m, {
        actor: by.actor,
        ip: by.ip,
        action: 'auth.logout',
        targetType: 'session',
        targetId: by.staff.sessionId,
      });
    });
  }
}
