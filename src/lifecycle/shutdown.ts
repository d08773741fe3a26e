import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

export interface ShutdownStep {
  /** What the step does, as a warning would name it ("stop the embedded PostgreSQL"). */
  name: string;
  run: () => Promise<void>;
  /** The step is abandoned (with a warning) after this long. */
  timeoutMs: number;
}

/** Counts requests that have started and not yet ended, on the raw HTTP servers. */
export function trackRequests(servers: readonly Server[]): () => number {
  let open = 0;
  for (const server of servers) {
    server.on('request', (_req, res) => {
      open++;
      res.once('close', () => open--);
    });
  }
  return () => open;
}

/**
 * A step that closes the application: stops accepting connections, lets the
 * requests in flight finish for up to `graceMs` (then closes their
 * connections, saying how many), and runs the application's own shutdown
 * (background jobs, database pool).
 */
export function closeApplicationStep(
  app: { close(): Promise<void> },
  servers: readonly Server[],
  inFlight: () => number,
  graceMs: number,
  logger: Logger,
): ShutdownStep {
  return {
    name: 'close the application (requests in flight, background jobs, database pool)',
    timeoutMs: graceMs + 30_000,
    run: async () => {
      const cut = setTimeout(() => {
        const open = inFlight();
        if (open > 0) {
          logger.warn(
            `shutdown: ${open} request(s) still running after ${graceMs / 1000} s; their connections are closed`,
          );
        }
        for (const server of servers) server.closeAllConnections();
      }, graceMs);
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

function withTimeout(step: ShutdownStep): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${step.timeoutMs / 1000} s`)),
      step.timeoutMs,
    );
  });
  return Promise.race([step.run(), limit]).finally(() => clearTimeout(timer));
}

/**
 * SIGTERM, SIGINT (and SIGHUP): run the registered steps, newest first (the HTTP
 * listeners before the database they use), each bounded, then log one
 * "stopped" line and exit (0, or 1 when a step failed, with a warning naming
 * it). A second signal exits at once.
 */
export class Shutdown {
  private readonly steps: ShutdownStep[] = [];
  private started?: number;
  private current = 'starting';

  constructor(
    private readonly logger: Logger,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  /** Registers what to undo; steps run in the reverse order of registration. */
  add(step: ShutdownStep): void {
    this.steps.push(step);
  }

  /**
   * SIGHUP too when started from a terminal (closing it would otherwise leave
   * the embedded PostgreSQL running); not otherwise, so `nohup` keeps working.
   */
  install(
    signals: NodeJS.Signals[] = process.stdin.isTTY || process.stdout.isTTY
      ? ['SIGTERM', 'SIGINT', 'SIGHUP']
      : ['SIGTERM', 'SIGINT'],
  ): void {
    for (const signal of signals) process.on(signal, () => void this.onSignal(signal));
  }

  private async onSignal(signal: NodeJS.Signals): Promise<void> {
    if (this.started !== undefined) {
      this.logger.warn(
        `${signal} again: exiting at once, without finishing the shutdown (it was at: ${this.current})`,
      );
      this.exit(130);
      return;
    }
    this.logger.info(`${signal}: stopping (send it again to exit at once)`);
    this.logger.flush(); // whoever sent the signal sees the line now, not at the next write
    await this.run();
  }

  /** Runs every step; resolves after exit() was called. */
  async run(): Promise<void> {
    this.started = performance.now();
    let failed = false;
    for (const step of [...this.steps].reverse()) {
      this.current = step.name;
      try {
        await withTimeout(step);
      } catch (err) {
        failed = true;
        this.logger.warn(`shutdown: could not ${step.name}: ${(err as Error)?.message ?? err}`);
      }
    }
    const ms = Math.round(performance.now() - this.started);
    this.logger.info({ stoppedMs: ms }, `stopped in ${ms} ms`);
    this.exit(failed ? 1 : 0);
  }
}
