import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { Analyst } from '../auth/analyst.entity.js';
import { STAFF_ROLES, type StaffRole } from '../common/auth/roles.js';
import type { ListedIntakeKey } from '../crypto/intake-keys.service.js';

export class CreateUserDto {
  @IsString()
  @Length(2, 63)
  username: string;

  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class UpdateUserDto {
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class AddIntakeKeyDto {
  @IsString()
  @Length(1, 100_000)
  armored: string;
}

export interface UserDto {
  id: string;
  username: string;
  role: StaffRole;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

/** Lists every field on the wire: hashes and TOTP secrets can never slip out. */
export function mapUser(a: Analyst): UserDto {
  return {
    id: a.id,
    username: a.username,
    role: a.role,
    disabled: a.disabledAt !== null,
    mustChangePassword: a.mustChangePassword,
    createdAt: a.createdAt.toISOString(),
  };
}

export interface NewUserCredentialsDto {
  user: UserDto;
  /** Shown once. */
  oneTimePassword: string;
  /** otpauth:// URI with the TOTP secret; shown once. */
  totpUri: string;
}

export interface AdminIntakeKeyDto {
  fingerprint: string;
  version: number;
  source: 'config' | 'admin';
  active: boolean;
  addedAt: string | null;
  retiredAt: string | null;
  expiresAt: string | null;
  armored: string | null;
}

export function mapAdminIntakeKey(k: ListedIntakeKey): AdminIntakeKeyDto {
  return {
    fingerprint: k.fingerprint,
    version: k.version,
    source: k.source,
    active: k.retiredAt === null,
    addedAt: k.addedAt?.toISOString() ?? null,
    retiredAt: k.retiredAt?.toISOString() ?? null,
    expiresAt: k.key?.expiresAt?.toISOString() ?? null,
    armored: k.key?.armored ?? null,
  };
}
