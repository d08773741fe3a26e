import { Module } from '@nestjs/common';
import { ApprovalsController } from './approvals.controller.js';
import { AdminIntakeKeysController } from './intake-keys.controller.js';
import { AdminPartnersController } from './partners.controller.js';
import { AdminUsersController } from './users.controller.js';

@Module({
  controllers: [
    AdminUsersController,
    AdminIntakeKeysController,
    AdminPartnersController,
    ApprovalsController,
  ],
})
export class AdminModule {}
