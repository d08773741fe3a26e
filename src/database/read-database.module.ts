import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { PrimaryReads, ReadDatabase, ReplicaReads } from './read-database.js';

export interface ReadDatabaseSettings {
  /** DATABASE_READ_URL; unset: reads stay on the primary. */
  url?: string;
  poolSize: number;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

class ReadDatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ReadDatabase) private readonly reads: ReadDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.reads instanceof ReplicaReads) await this.reads.close();
  }
}

/** Infrastructure like the primary DataSource: global, provides ReadDatabase. */
@Global()
@Module({})
export class ReadDatabaseModule {
  static forRoot(settings: ReadDatabaseSettings): DynamicModule {
    return {
      module: ReadDatabaseModule,
      providers: [
        {
          provide: ReadDatabase,
          inject: [getDataSourceToken()],
          useFactory: async (primary: DataSource): Promise<ReadDatabase> => {
            if (settings.url === undefined) return new PrimaryReads(primary);
            const log = settings.logger ?? { warn: () => undefined, info: () => undefined };
            const reads = new ReplicaReads(primary, {
              url: settings.url,
              poolSize: settings.poolSize,
              log: { warn: (m) => log.warn(m), info: (m) => log.info(m) },
            });
            await reads.start();
            return reads;
          },
        },
        ReadDatabaseLifecycle,
      ],
      exports: [ReadDatabase],
    };
  }
}
