import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { createApp } from './app.factory.js';
import { listenersOf } from './common/listeners/listeners.js';
import { createLogger, resolveLogFormat } from './common/logging/logger.js';
import { ConfigError, loadConfig } from './config/environment.js';
import { IntakeKeyRing } from './intake-keys/intake-key-ring.js';
import { loadIntakeKeys } from './intake-keys/load-intake-keys.js';
import { KeyError } from './crypto/openpgp.js';
import { resolveServerSecret } from './config/server-secret.js';
import { resolveDatabase } from './database/resolve-database.js';
import { closeApplicationStep, Shutdown, trackRequests } from './lifecycle/shutdown.js';
import { logStartupSummary } from './lifecycle/startup-summary.js';

function banner(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '!'.repeat(width + 4);
  return [rule, ...lines.map((l) => `! ${l.padEnd(width)} !`), rule].join('\n');
}

async function bootstrap(): Promise<void> {
  const started = performance.now();
  const config = loadConfig(process.env);
  const logger = createLogger(
    config.logLevel,
    undefined,
    resolveLogFormat(config.logFormat, process.stdout.isTTY === true, config.production),
  );
  const shutdown = new Shutdown(logger);
  shutdown.install();

  const intake = await loadIntakeKeys(config);
  if (intake.devPrivateKeyPath !== undefined) {
    // Plain text on stderr, so a person sees it among the JSON lines.
    process.stderr.write(
      `${banner([
        'DEVELOPMENT INTAKE KEY IN USE: tips are encrypted to a key whose private half is',
        `  ${intake.devPrivateKeyPath}`,
        intake.devKeyCreated ? '(generated just now)' : '(generated on an earlier start)',
        'Decrypt with: npx tipctl decrypt --key <that file> <payload file>',
        'Production refuses this key: set INTAKE_PUBLIC_KEYS to keys made with tipctl keys generate.',
      ])}\n`,
    );
  }

  const serverSecret = await resolveServerSecret(config);
  // Its own process group: a Ctrl-C reaches the service, which stops the database last.
  const database = await resolveDatabase(config, (line) => logger.info(line), {
    ownProcessGroup: true,
  });
  // Also when it adopted a server a killed process left running (its stop is a
  // no-op when another live process started the server).
  if (config.databaseUrl === undefined) {
    shutdown.add({ name: 'stop the embedded PostgreSQL', timeoutMs: 30_000, run: database.stop });
  }
  const app = await createApp({
    config,
    databaseUrl: database.url,
    keyRing: new IntakeKeyRing(intake.keys),
    serverSecret,
    logger,
  });
  const listeners = listenersOf(app);
  const inFlight = trackRequests(listeners.all());
  shutdown.add(
    closeApplicationStep(app, listeners.all(), inFlight, config.shutdownGraceMs, logger),
  );
  // One listener (HOST:PORT), or public/onion/staff (PUBLIC_LISTEN, ONION_LISTEN, STAFF_LISTEN).
  const listening = await listeners.listen((address) => app.listen(address));
  for (const { name, url } of listening.slice(1)) {
    logger.info({ listener: name }, `Tipline ${name} listener on ${url}`);
  }
  logStartupSummary(logger, {
    config,
    url: listening[0]!.url,
    readyMs: Math.round(performance.now() - started),
    database,
    keys: intake.keys,
    devPrivateKeyPath: intake.devPrivateKeyPath,
    publicSite: config.publicSite.enabled,
  });
  // Out now, not at the next background write: scripts wait for this line.
  logger.flush();
}

bootstrap().catch((err: unknown) => {
  const message =
    err instanceof ConfigError || err instanceof KeyError
      ? err.message
      : `Startup failed: ${(err as Error)?.message ?? String(err)}`;
  console.error(message);
  process.exit(1);
});
