import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { APP_CONFIG, DATABASE_URL } from './config/app-config.token.js';
import { RetentionModule } from './retention/retention.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import type { AppConfig } from './config/environment.js';
import { STARTUP_KEY_RING, type IntakeKeyRing } from './intake-keys/intake-key-ring.js';
import { IntakeKeysModule } from './intake-keys/intake-keys.module.js';
import { SERVER_SECRET } from './config/server-secret.js';
import { dataSourceOptions } from './database/data-source.js';
import { runMigrations } from './database/run-migrations.js';
import { ReadDatabaseModule } from './database/read-database.module.js';
import { durabilityProblems, readDurability } from './database/durability.js';
import { AdminModule } from './admin/admin.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { HealthModule } from './health/health.module.js';
import { ProofOfWorkModule } from './proof-of-work/proof-of-work.module.js';
import { FollowUpsModule } from './follow-ups/follow-ups.module.js';
import { TriageModule } from './tips/triage/triage.module.js';
import { IntakeModule } from './tips/intake/intake.module.js';
import { PartnersModule } from './partners/partners.module.js';
import { RateLimitModule } from './common/rate-limit/rate-limit.module.js';
import { PublicRateLimitGuard } from './common/rate-limit/public-rate-limit.guard.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { PublicSiteModule } from './public-site/public-site.module.js';

export interface AppRuntime {
  config: AppConfig;
  /** Resolved URL: DATABASE_URL or the embedded database's. */
  databaseUrl: string;
  keyRing: IntakeKeyRing;
  serverSecret: Buffer;
  /** Where structured logs go; by default a pino logger on stdout at LOG_LEVEL. */
  logger?: Logger;
}

@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(runtime.databaseUrl, runtime.config.databasePoolSize, {
              statementMs: runtime.config.databaseStatementTimeoutMs,
              idleInTransactionMs: runtime.config.databaseIdleTransactionTimeoutMs,
            }),
            retryAttempts: 2,
            retryDelay: 1000,
          }),
          // Migrations are applied (under an advisory lock) before anything can use the database.
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            const problems = durabilityProblems(await readDurability(dataSource));
            if (problems.length > 0) {
              const message = `The database may lose acknowledged tips: ${problems.join(', ')}.`;
              if (runtime.config.production) {
                await dataSource.destroy();
                throw new Error(`${message} Production refuses to start.`);
              }
              runtime.logger?.warn(message);
            }
            await runMigrations(dataSource);
            return dataSource;
          },
        }),
        ReadDatabaseModule.forRoot({
          url: runtime.config.databaseReadUrl,
          poolSize: runtime.config.databasePoolSize,
          logger: runtime.logger,
        }),
        RateLimitModule.forRoot(
          runtime.config.redisUrl,
          runtime.config.publicRateLimit,
          runtime.config.healthRateLimit,
        ),
        MetricsModule,
        IntakeKeysModule,
        AuditModule,
        WebhooksModule,
        PartnersModule,
        AuthModule,
        HealthModule,
        IntakeModule,
        TriageModule,
        FollowUpsModule,
        ProofOfWorkModule,
        RetentionModule,
        AdminModule,
        ...(runtime.config.publicSite.enabled ? [PublicSiteModule] : []),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: DATABASE_URL, useValue: runtime.databaseUrl },
        { provide: SERVER_SECRET, useValue: runtime.serverSecret },
        { provide: STARTUP_KEY_RING, useValue: runtime.keyRing },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: PublicRateLimitGuard },
      ],
      // Global for the values of this run only; features import the modules they use.
      exports: [APP_CONFIG, DATABASE_URL, SERVER_SECRET, STARTUP_KEY_RING],
      global: true,
    };
  }
}
