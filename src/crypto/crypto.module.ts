import { Module, type DynamicModule } from '@nestjs/common';
import { ReceiptHasher } from './receipts.js';

/** Receipt hashing, keyed by SERVER_SECRET. */
@Module({})
export class CryptoModule {
  static forRoot(serverSecret: Buffer): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      providers: [{ provide: ReceiptHasher, useValue: new ReceiptHasher(serverSecret) }],
      exports: [ReceiptHasher],
    };
  }
}
