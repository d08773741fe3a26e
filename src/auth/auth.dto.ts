import { ApiProperty } from '@nestjs/swagger';
import { NoNul } from '../common/validators.js';
import { IsString, Length, Matches } from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../common/auth/roles.js';
import { EX } from '../common/openapi/examples.js';

const TOTP_PATTERN = /^\d{6}$/;

export class LoginDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'a.analyst' })
  @IsString()
  @Length(1, 200)
  @NoNul()
  username: string;

  @ApiProperty({
    minLength: 1,
    maxLength: 1024,
    format: 'password',
    example: 'violet-harbour-quantum-47-tangerine',
  })
  @IsString()
  @Length(1, 1024)
  password: string;

  @ApiProperty({
    pattern: TOTP_PATTERN,
    description: 'The current 6-digit code of your authenticator app; each code works once.',
    example: '492039',
  })
  @IsString()
  @Matches(TOTP_PATTERN, { message: 'totp must be the 6-digit code' })
  totp: string;
}

export class ChangePasswordDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 1024,
    format: 'password',
    description: 'Your current (or one-time) password.',
    example: 'Xk4-one-time-Q9',
  })
  @IsString()
  @Length(1, 1024)
  currentPassword: string;

  @ApiProperty({
    minLength: 1,
    maxLength: 1024,
    format: 'password',
    description:
      'At least 14 characters, a zxcvbn strength score of 3 or more, different from the ' +
      'current one; otherwise `400 validation_failed` says why.',
    example: 'violet-harbour-quantum-47-tangerine',
  })
  @IsString()
  @Length(1, 1024)
  newPassword: string;
}

export class StaffUserDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  id: string;

  @ApiProperty({ example: 'a.analyst' })
  username: string;

  @ApiProperty({ enum: STAFF_ROLES, enumName: 'StaffRole', example: 'analyst' })
  role: StaffRole;
}

export class SessionDto {
  @ApiProperty({
    description: 'Opaque bearer token (`staff` scheme); send as `Authorization: Bearer tps_...`.',
    example: 'tps_3q2x7Vb9kLmN0pQrStUvWxYz1a2B3c4D5e6F7g8H9i0',
  })
  token: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Absolute end (8 h); the session also ends after 30 min without use.',
    example: EX.laterTime,
  })
  expiresAt: string;

  /** True after a one-time password: only POST /v1/auth/password is allowed until it is changed. */
  @ApiProperty({
    description:
      'True after a one-time password: only `POST /v1/auth/password` (and logout, me) is ' +
      'allowed until it is changed.',
    example: false,
  })
  mustChangePassword: boolean;

  @ApiProperty({ type: () => StaffUserDto })
  user: StaffUserDto;
}

export class MeDto {
  @ApiProperty({ type: () => StaffUserDto })
  user: StaffUserDto;

  @ApiProperty({ example: false })
  mustChangePassword: boolean;
}
