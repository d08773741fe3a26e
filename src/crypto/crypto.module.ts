import { Module } from '@nestjs/common';
import { SERVER_SECRET } from '../config/server-secret.js';
import { ReceiptHasher } from './receipts.js';

/** Receipt hashing, keyed by SERVER_SECRET. */
@Module({
  providers: [
    {
      provide: ReceiptHasher,
      inject: [SERVER_SECRET],
      useFactory: (secret: Buffer) => new ReceiptHasher(secret),
    },
  ],
  exports: [ReceiptHasher],
})
export class CryptoModule {}
