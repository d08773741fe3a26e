import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/environment.js';
import { IntakeKeyRing } from './crypto/intake-key-ring.js';
import { loadIntakeKeys } from './crypto/load-intake-keys.js';
import { KeyError } from './crypto/openpgp.js';
import { resolveServerSecret } from './crypto/server-secret.js';
import { resolveDatabase } from './database/resolve-database.js';

function banner(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '!'.repeat(width + 4);
  return [rule, ...lines.map((l) => `! ${l.padEnd(width)} !`), rule].join('\n');
}

async function bootstrap(): Promise<void> {
  const started = performance.now();
  const config = loadConfig(process.env);
  const logger = new Logger('Tipline');

  const intake = await loadIntakeKeys(config);
  if (intake.devPrivateKeyPath !== undefined) {
    logger.warn(
      '\n' +
        banner([
          'DEVELOPMENT INTAKE KEY IN USE: tips are encrypted to a key whose private half is',
          `  ${intake.devPrivateKeyPath}`,
          intake.devKeyCreated ? '(generated just now)' : '(generated on an earlier start)',
          'Decrypt with: npx tipctl decrypt --key <that file> <payload file>',
          'Production refuses this key: set INTAKE_PUBLIC_KEYS to keys made with tipctl keys generate.',
        ]),
    );
  }
  for (const key of intake.keys) {
    logger.log(`intake key ${key.fingerprint} (v${key.version}) loaded`);
  }

  const serverSecret = await resolveServerSecret(config);
  const database = await resolveDatabase(config, (line) => logger.log(line));
  const app = await createApp({
    config,
    databaseUrl: database.url,
    keyRing: new IntakeKeyRing(intake.keys),
    serverSecret,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.log(
    `Tipline listening on http://${config.host}:${port} (${config.nodeEnv}, ready in ${Math.round(performance.now() - started)} ms)`,
  );
}

bootstrap().catch((err: unknown) => {
  const message =
    err instanceof ConfigError || err instanceof KeyError
      ? err.message
      : `Startup failed: ${(err as Error)?.message ?? String(err)}`;
  console.error(message);
  process.exit(1);
});
