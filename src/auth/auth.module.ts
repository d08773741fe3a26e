import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { SERVER_SECRET } from '../config/server-secret.js';
import { SecretBox } from '../crypto/secret-box.js';
import { PartnersModule } from '../partners/partners.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { LoginThrottle } from './login-throttle.js';
import { Login } from './login.use-case.js';
import { SessionsService } from './sessions.service.js';
import { TOTP_SECRET_BOX, UsersService } from './users.service.js';

/**
 * Staff identities, sessions and the deny-by-default guard on every route
 * (it also authenticates partner API keys, hence PartnersModule).
 */
@Module({
  imports: [AuditModule, PartnersModule],
  controllers: [AuthController],
  providers: [
    SessionsService,
    UsersService,
    Login,
    LoginThrottle,
    {
      provide: TOTP_SECRET_BOX,
      inject: [SERVER_SECRET],
      useFactory: (secret: Buffer) => new SecretBox(secret, 'totp:v1'),
    },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UsersService],
})
export class AuthModule {}
