import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { mkdtemp } from 'node:fs/promises';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/environment.js';
import { IntakeKeyRing } from '../../src/intake-keys/intake-key-ring.js';
import { loadIntakeKeys } from '../../src/intake-keys/load-intake-keys.js';
import { resolveServerSecret } from '../../src/config/server-secret.js';

export const TEST_SERVER_SECRET = 'test-server-secret-0123456789abcdef-0123456789';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined)
    throw new Error('TEST_DATABASE_URL is not set: run through jest (global setup)');
  return url;
}

export interface TestApp {
  app: NestFastifyApplication;
  keyRing: IntakeKeyRing;
  /** The Node HTTP server, for supertest. */
  server: ReturnType<NestFastifyApplication['getHttpServer']>;
  close(): Promise<void>;
}

/** The real application (same factory as main.ts) on the test database, migrated at start. */
export async function startTestApp(
  keyPaths: string[],
  env: Record<string, string> = {},
  /** Runs before Fastify is ready, e.g. to add a route a test needs. */
  beforeReady?: (fastify: FastifyInstance) => void,
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tipline-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    DATA_DIR: dataDir,
    INTAKE_PUBLIC_KEYS: keyPaths.join(','),
    SERVER_SECRET: TEST_SERVER_SECRET,
    LOG_LEVEL: 'error',
    // Tests send many requests from one address; limits get their own tests.
    PUBLIC_RATE_LIMIT: '1000000',
    BACKGROUND_JOBS: 'false',
    ...env,
  });
  // Test files share one database: start without keys an earlier file added through the admin API.
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  await client
    .query('UPDATE intake_key SET retired_at = now() WHERE retired_at IS NULL')
    .catch(() => undefined); // the table does not exist before the first app migrates
  await client.end();
  const { keys } = await loadIntakeKeys(config);
  const keyRing = new IntakeKeyRing(keys);
  const app = await createApp({
    config,
    databaseUrl: testDatabaseUrl(),
    keyRing,
    serverSecret: await resolveServerSecret(config),
  });
  beforeReady?.(app.getHttpAdapter().getInstance());
  await app.getHttpAdapter().getInstance().ready();
  return { app, keyRing, server: app.getHttpServer(), close: () => app.close() };
}

/** The port of an app that listens on a socket. */
export function portOf(t: TestApp): number {
  const address = t.app.getHttpServer().address();
  if (address === null || typeof address !== 'object') throw new Error('not listening');
  return address.port;
}

/**
 * Serves the app on a free port of 127.0.0.1, for clients that need a real
 * socket (tipctl, raw HTTP); returns its URL. Listening already: the same URL.
 */
export async function listenOnLoopback(t: TestApp): Promise<string> {
  if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${portOf(t)}`;
}
