import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { SERVER_SECRET } from '../config/server-secret.js';
import { issueChallenge, POW_ALGORITHM, verifySolution, type Challenge } from './pow.js';

export interface ChallengeDto {
  algorithm: typeof POW_ALGORITHM;
  challenge: string;
  difficulty: number;
  expiresAt: string;
  header: 'X-Tipline-Pow';
}

const REASONS: Record<string, string> = {
  malformed: 'is not <challenge>:<counter>',
  forged: 'was not issued by this service',
  expired: 'has expired; get a new one',
  too_easy: 'is easier than required; get a new one',
  wrong: 'does not solve the challenge',
};

/**
 * Signed, expiring, single-use challenges. Spent nonces are remembered until
 * they expire: in Redis with REDIS_URL, otherwise in PostgreSQL, so a
 * solution used on one instance is refused by every other.
 */
@Injectable()
export class ProofOfWorkService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  get enabled(): boolean {
    return this.config.powDifficulty > 0;
  }

  issue(): ChallengeDto {
    const c: Challenge = issueChallenge(this.secret, this.config.powDifficulty);
    return {
      algorithm: POW_ALGORITHM,
      challenge: c.token,
      difficulty: c.difficulty,
      expiresAt: new Date(c.expiresAt).toISOString(),
      header: 'X-Tipline-Pow',
    };
  }

  /** Verifies and spends a solution; throws the 4xx the caller should get. */
  async spend(header: string | undefined): Promise<void> {
    if (!header) {
      throw new AppError(
        'proof_of_work_required',
        400,
        'A proof of work is required: GET /v1/challenges, solve it, send X-Tipline-Pow.',
      );
    }
    const verdict = verifySolution(this.secret, header, this.config.powDifficulty);
    if (!verdict.ok) {
      throw new AppError(
        'proof_of_work_invalid',
        400,
        `The proof of work ${REASONS[verdict.reason]}.`,
      );
    }
    const ttl = Math.max(1000, verdict.expiresAt - Date.now());
    let fresh: boolean;
    if (this.counters.shared) {
      fresh = await this.counters.claimOnce(`pow:${verdict.nonce}`, ttl);
    } else {
      const rows = await this.dataSource.query<unknown[]>(
        `INSERT INTO pow_spent (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [verdict.nonce, new Date(verdict.expiresAt)],
      );
      fresh = rows.length === 1;
    }
    if (!fresh) {
      throw new AppError(
        'proof_of_work_replayed',
        409,
        'This proof of work was already used; get a new challenge.',
      );
    }
  }
}
