import { IsString, Length, Matches } from 'class-validator';
import type { StaffRole } from '../common/auth/roles.js';

export class LoginDto {
  @IsString()
  @Length(1, 200)
  username: string;

  @IsString()
  @Length(1, 1024)
  password: string;

  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be the 6-digit code' })
  totp: string;
}

export class ChangePasswordDto {
  @IsString()
  @Length(1, 1024)
  currentPassword: string;

  @IsString()
  @Length(1, 1024)
  newPassword: string;
}

export interface StaffUserDto {
  id: string;
  username: string;
  role: StaffRole;
}

export interface SessionDto {
  token: string;
  expiresAt: string;
  /** True after a one-time password: only POST /v1/auth/password is allowed until it is changed. */
  mustChangePassword: boolean;
  user: StaffUserDto;
}

export interface MeDto {
  user: StaffUserDto;
  mustChangePassword: boolean;
}
