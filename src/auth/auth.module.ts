import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SERVER_SECRET } from '../config/server-secret.js';
import { SecretBox } from '../crypto/secret-box.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { LoginThrottle } from './login-throttle.js';
import { Login } from './login.use-case.js';
import { SessionsService } from './sessions.service.js';
import { TOTP_SECRET_BOX, UsersService } from './users.service.js';

/** Staff identities, sessions and the global deny-by-default guard. */
@Global()
@Module({
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
  exports: [SessionsService, UsersService],
})
export class AuthModule {}
