import { Module, type DynamicModule } from '@nestjs/common';
import { IntakeKeyRing } from './intake-key-ring.js';
import { IntakeKeysController } from './intake-keys.controller.js';
import { IntakeKeysService } from './intake-keys.service.js';
import { PayloadEncryptor } from './payload-encryptor.js';

/** Intake keys (parsed once at start, plus those admins add) and encryption to them. */
@Module({})
export class IntakeKeysModule {
  static forRoot(keyRing: IntakeKeyRing): DynamicModule {
    return {
      module: IntakeKeysModule,
      global: true,
      controllers: [IntakeKeysController],
      providers: [
        { provide: IntakeKeyRing, useValue: keyRing },
        PayloadEncryptor,
        IntakeKeysService,
      ],
      exports: [IntakeKeyRing, PayloadEncryptor, IntakeKeysService],
    };
  }
}
