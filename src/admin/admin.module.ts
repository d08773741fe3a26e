import { Module } from '@nestjs/common';
import { AdminIntakeKeysController } from './intake-keys.controller.js';
import { AdminPartnersController } from './partners.controller.js';
import { AdminUsersController } from './users.controller.js';

@Module({ controllers: [AdminUsersController, AdminIntakeKeysController, AdminPartnersController] })
export class AdminModule {}
