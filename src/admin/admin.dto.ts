import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArmoredPublicKey, NoNul } from '../common/validators.js';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { Analyst } from '../auth/analyst.entity.js';
import { STAFF_ROLES, type StaffRole } from '../common/auth/roles.js';
import { EX } from '../common/openapi/examples.js';
import type { ListedIntakeKey } from '../intake-keys/intake-keys.service.js';

export class CreateUserDto {
  @ApiProperty({
    minLength: 2,
    maxLength: 63,
    description:
      'Stored in lower case: 2 to 63 of a-z, 0-9, dot, underscore, hyphen. Must be unique.',
    example: 'b.lead',
  })
  @IsString()
  @Length(2, 63)
  @NoNul()
  username: string;

  @ApiProperty({ enum: STAFF_ROLES, enumName: 'StaffRole', example: 'lead' })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class UpdateUserDto {
  @ApiPropertyOptional({
    enum: STAFF_ROLES,
    enumName: 'StaffRole',
    description: 'Not your own.',
    example: 'analyst',
  })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @ApiPropertyOptional({
    description: "Disabling ends the user's sessions at once. Not your own account.",
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class AddIntakeKeyDto {
  @ArmoredPublicKey(
    'An armored OpenPGP public key with a valid encryption subkey (not expired, not revoked, ' +
      'not a private key, not a development key in production).',
  )
  armored: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: 'b.lead' })
  username: string;

  @ApiProperty({ enum: STAFF_ROLES, enumName: 'StaffRole', example: 'lead' })
  role: StaffRole;

  @ApiProperty({ example: false })
  disabled: boolean;

  @ApiProperty({ description: 'Still has a one-time password.', example: true })
  mustChangePassword: boolean;

  @ApiProperty({
    description:
      'True while the role (analyst, lead, admin), granted through the API, awaits a second ' +
      "person's approval: it grants nothing yet.",
    example: false,
  })
  rolePending: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.time })
  roleApprovedAt: string | null;

  @ApiProperty({ format: 'date-time', example: EX.time })
  createdAt: string;
}

export class UserListDto {
  @ApiProperty({ type: () => [UserDto] })
  users: UserDto[];
}

/** Lists every field on the wire: hashes and TOTP secrets can never slip out. */
export function mapUser(a: Analyst): UserDto {
  return {
    id: a.id,
    username: a.username,
    role: a.role,
    disabled: a.disabledAt !== null,
    mustChangePassword: a.mustChangePassword,
    rolePending: a.roleApprovedAt === null,
    roleApprovedAt: a.roleApprovedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}

const TOTP_URI_EXAMPLE =
  'otpauth://totp/Tipline:b.lead?issuer=Tipline&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30';

export class NewUserCredentialsDto {
  @ApiProperty({ type: () => UserDto })
  user: UserDto;

  /** Shown once. */
  @ApiProperty({
    format: 'password',
    description: 'Shown once; allows nothing but `POST /v1/auth/password`.',
    example: 'Xk4-one-time-Q9',
  })
  oneTimePassword: string;

  /** otpauth:// URI with the TOTP secret; shown once. */
  @ApiProperty({
    description: '`otpauth://` URI with the TOTP secret, for an authenticator app; shown once.',
    example: TOTP_URI_EXAMPLE,
  })
  totpUri: string;
}

export class TotpResetDto {
  @ApiProperty({ type: () => UserDto })
  user: UserDto;

  @ApiProperty({
    description: 'The new `otpauth://` URI with the TOTP secret; shown once.',
    example: TOTP_URI_EXAMPLE,
  })
  totpUri: string;
}

export class AdminIntakeKeyDto {
  @ApiProperty({ example: EX.fingerprint })
  fingerprint: string;

  @ApiProperty({ type: 'integer', enum: [4, 6], description: 'OpenPGP key version.', example: 4 })
  version: number;

  @ApiProperty({
    enum: ['config', 'admin'],
    description: '`config`: from INTAKE_PUBLIC_KEYS (retire it there); `admin`: added here.',
    example: 'admin',
  })
  source: 'config' | 'admin';

  @ApiProperty({
    description: 'Approved and not retired: tips are encrypted to it.',
    example: true,
  })
  active: boolean;

  @ApiProperty({
    description: 'Added through the API and not yet approved by a second admin: not used.',
    example: false,
  })
  pending: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'a.admin' })
  addedBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.time })
  approvedAt: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'c.admin' })
  approvedBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.time })
  addedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  retiredAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  expiresAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null when the key is not loaded (for example, a retired one).',
    example: EX.publicKey,
  })
  armored: string | null;
}

export class AdminIntakeKeyListDto {
  @ApiProperty({ type: () => [AdminIntakeKeyDto] })
  keys: AdminIntakeKeyDto[];
}

export function mapAdminIntakeKey(k: ListedIntakeKey): AdminIntakeKeyDto {
  return {
    fingerprint: k.fingerprint,
    version: k.version,
    source: k.source,
    active: k.retiredAt === null && (k.source === 'config' || k.approvedAt !== null),
    pending: k.source === 'admin' && k.retiredAt === null && k.approvedAt === null,
    addedBy: k.addedBy,
    approvedAt: k.approvedAt?.toISOString() ?? null,
    approvedBy: k.approvedBy,
    addedAt: k.addedAt?.toISOString() ?? null,
    retiredAt: k.retiredAt?.toISOString() ?? null,
    expiresAt: k.key?.expiresAt?.toISOString() ?? null,
    armored: k.key?.armored ?? null,
  };
}

export class PendingRoleGrantDto {
  @ApiProperty({ type: () => UserDto })
  user: UserDto;

  @ApiProperty({ type: String, nullable: true, example: 'a.admin' })
  requestedBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.time })
  requestedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EX.time })
  expiresAt: string | null;
}

export class PendingApprovalsDto {
  @ApiProperty({ type: () => [PendingRoleGrantDto] })
  roleGrants: PendingRoleGrantDto[];

  @ApiProperty({ type: () => [AdminIntakeKeyDto] })
  intakeKeys: AdminIntakeKeyDto[];
}
