import type { Command } from 'commander';
import type { ChallengeDto } from '../proof-of-work/proof-of-work.service.js';
import { solve } from '../proof-of-work/pow.js';
import { api } from './client.js';
import { writeStdout } from './io.js';
import { CliError } from './passphrase.js';
import { startProgress } from './progress.js';

/** The reference solver for the proof of work (any client can reimplement it: see README). */
export function registerPowCommands(program: Command): void {
  const pow = program.command('pow').description('proof of work for anonymous submissions');
  pow
    .command('solve')
    .description('solve a challenge; prints the X-Tipline-Pow header value')
    .argument(
      '[challenge]',
      'a challenge from GET /v1/challenges; without it, fetch one from --url',
    )
    .option('--url <url>', 'server address', process.env.TIPLINE_URL ?? 'http://127.0.0.1:3000')
    .option('--difficulty <bits>', 'with a given challenge: its difficulty')
    .action(async (given: string | undefined, o: { url: string; difficulty?: string }) => {
      let token = given;
      let difficulty = o.difficulty === undefined ? undefined : Number(o.difficulty);
      if (!token) {
        const c = await api<ChallengeDto>({ url: o.url }, 'GET', '/v1/challenges');
        token = c.challenge;
        difficulty = c.difficulty;
      }
      if (difficulty === undefined) {
        try {
          difficulty = (
            JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { d: number }
          ).d;
        } catch {
          throw new CliError(
            'not a challenge: pass the "challenge" of GET /v1/challenges, or omit it to fetch one from --url',
          );
        }
      }
      if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 32)
        throw new CliError('bad difficulty: --difficulty must be a whole number from 0 to 32');
      const started = Date.now();
      const expected = 2 ** difficulty;
      const progress = startProgress(
        (tried, _total, ms) =>
          `solving: ${tried.toLocaleString('en')} hashes tried (about ${expected.toLocaleString('en')} expected), ${Math.round(tried / Math.max(ms / 1000, 0.001)).toLocaleString('en')}/s`,
      );
      const counter = solve(token, difficulty, (tried) => progress.update(tried));
      progress.end();
      process.stderr.write(`solved difficulty ${difficulty} in ${Date.now() - started} ms\n`);
      await writeStdout(`${token}:${counter}\n`);
    });
}
