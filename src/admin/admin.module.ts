import { Module } from '@nestjs/common';
import { AdminIntakeKeysController } from './intake-keys.controller.js';
import { AdminUsersController } from './users.controller.js';

@Module({ controllers: [AdminUsersController, AdminIntakeKeysController] })
export class AdminModule {}
