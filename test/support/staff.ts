import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Secret, TOTP } from 'otpauth';
import { DataSource } from 'typeorm';
import { SessionsService } from '../../src/auth/sessions.service.js';
import { UsersService } from '../../src/auth/users.service.js';
import { STAFF_ROLES, type StaffRole } from '../../src/common/auth/roles.js';
import type { TestApp } from './app.js';
import { awaitRoomInWindow, msLeftInStep } from './windows.js';

export const STRONG_PASSWORD = 'violet-harbour-quantum-47-tangerine';

export interface StaffLogin {
  id: string;
  username: string;
  role: StaffRole;
  token: string;
  password: string;
  totpSecret: string;
  /** A code for the step `offsetSteps` from now (each code works once). */
  code(offsetSteps?: number): string;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function totpSecretOf(uri: string): string {
  return new URL(uri).searchParams.get('secret')!;
}

const TOTP_STEP_MS = 30_000;

export function codeFor(secret: string, offsetSteps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), period: TOTP_STEP_MS / 1000 }).generate({
    timestamp: Date.now() + offsetSteps * TOTP_STEP_MS,
  });
}

/**
 * Waits for the start of the next 30 s TOTP step when the current one is
 * nearly over: a code made late in a step, sent to a busy service, can reach
 * it two steps later, outside the window it accepts.
 */
export async function awaitFreshTotpStep(marginMs = 8_000): Promise<void> {
  await awaitRoomInWindow('a TOTP step', () => msLeftInStep(TOTP_STEP_MS), marginMs);
}

/**
 * A new account's first login: with the one-time password and a TOTP code,
 * set STRONG_PASSWORD, log in again with the next code. Returns the session token.
 */
export async function firstLogin(
  t: TestApp,
  username: string,
  oneTimePassword: string,
  totpSecret: string,
): Promise<string> {
  await awaitFreshTotpStep();
  const first = await request(t.server)
    .post('/v1/auth/sessions')
    .send({ username, password: oneTimePassword, totp: codeFor(totpSecret, -1) })
    .expect(201);
  if (first.body.mustChangePassword !== true) throw new Error('expected a one-time password');
  await request(t.server)
    .post('/v1/auth/password')
    .set('Authorization', `Bearer ${first.body.token}`)
    .send({ currentPassword: oneTimePassword, newPassword: STRONG_PASSWORD })
    .expect(204);
  const second = await request(t.server)
    .post('/v1/auth/sessions')
    .send({ username, password: STRONG_PASSWORD, totp: codeFor(totpSecret, 0) })
    .expect(201);
  return second.body.token as string;
}

/**
 * The real path: create (as `tipctl users create` does), then the first
 * login (`firstLogin`). Returns a ready session.
 */
export async function staffLogin(
  t: TestApp,
  role: StaffRole,
  name = uniqueName(role),
): Promise<StaffLogin> {
  const users = t.app.get(UsersService);
  const created = await users.create(name, role, { actor: null, ip: null });
  const secret = totpSecretOf(created.totpUri);
  return {
    id: created.analyst.id,
    username: name,
    role,
    token: await firstLogin(t, name, created.oneTimePassword, secret),
    password: STRONG_PASSWORD,
    totpSecret: secret,
    code: (offset = 1) => codeFor(secret, offset),
  };
}

/**
 * One account of every staff role, made on the host and marked past its
 * password change, without logging in: for tests that call many routes as
 * each role (sessions from `issueSession`). Returns each role's account id.
 */
export async function accountOfEveryRole(
  t: TestApp,
  prefix?: string,
): Promise<Map<StaffRole, string>> {
  const users = t.app.get(UsersService);
  const dataSource = t.app.get(DataSource);
  const ids = new Map<StaffRole, string>();
  for (const role of STAFF_ROLES) {
    const name = uniqueName(prefix === undefined ? role : `${prefix}-${role}`);
    const created = await users.create(name, role, { actor: null, ip: null });
    await dataSource.query('UPDATE analyst SET must_change_password = false WHERE id = $1', [
      created.analyst.id,
    ]);
    ids.set(role, created.analyst.id);
  }
  return ids;
}

/** A new session of an account, issued as a successful login does; returns its token. */
export async function issueSession(t: TestApp, accountId: string): Promise<string> {
  const sessions = t.app.get(SessionsService);
  return (await t.app.get(DataSource).transaction((m) => sessions.issue(m, accountId))).token;
}

export function bearer(login: { token: string }): [string, string] {
  return ['Authorization', `Bearer ${login.token}`];
}
