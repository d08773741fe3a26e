import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IntakeKeysModule } from '../intake-keys/intake-keys.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { ApprovalsController } from './approvals.controller.js';
import { AdminIntakeKeysController } from './intake-keys.controller.js';
import { AdminPartnersController } from './partners.controller.js';
import { AdminUsersController } from './users.controller.js';

/** Administration over the users, intake keys and partners of their own modules. */
@Module({
  imports: [AuthModule, IntakeKeysModule, PartnersModule],
  controllers: [
    AdminUsersController,
    AdminIntakeKeysController,
    AdminPartnersController,
    ApprovalsController,
  ],
})
export class AdminModule {}
