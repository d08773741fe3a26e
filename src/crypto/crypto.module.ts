import { Module, type DynamicModule } from '@nestjs/common';
import { IntakeKeyRing } from './intake-key-ring.js';
import { IntakeKeysService } from './intake-keys.service.js';
import { IntakeKeysController } from './intake-keys.controller.js';
import { PayloadEncryptor } from './payload-encryptor.js';
import { ReceiptHasher } from './receipts.js';

/** Injection token of SERVER_SECRET (Buffer). */
export const SERVER_SECRET = Symbol('SERVER_SECRET');

export interface CryptoModuleOptions {
  keyRing: IntakeKeyRing;
  serverSecret: Buffer;
}

/** Intake keys (parsed once at start), payload encryption and receipt hashing. */
@Module({})
export class CryptoModule {
  static forRoot(options: CryptoModuleOptions): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      controllers: [IntakeKeysController],
      providers: [
        { provide: IntakeKeyRing, useValue: options.keyRing },
        { provide: ReceiptHasher, useValue: new ReceiptHasher(options.serverSecret) },
        { provide: SERVER_SECRET, useValue: options.serverSecret },
        PayloadEncryptor,
        IntakeKeysService,
      ],
      exports: [IntakeKeyRing, ReceiptHasher, PayloadEncryptor, IntakeKeysService, SERVER_SECRET],
    };
  }
}
