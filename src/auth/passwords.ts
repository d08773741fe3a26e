import { hash, verify, Algorithm } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { randomBytes } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 14;
/** zxcvbn score 0..4; 3 is "safely unguessable: moderate protection from offline attacks". */
const MIN_SCORE = 3;

const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

let estimator: ZxcvbnFactory | undefined;
function strength(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when the username is unknown, so both cases cost the same. */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}

/** Problems with a new password, in words a person can act on; empty when acceptable. */
export async function passwordProblems(password: string, username: string): Promise<string[]> {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (password.toLowerCase().includes(username.toLowerCase())) {
    problems.push('must not contain the username');
  }
  const result = await strength().checkAsync(password, [username, 'tipline']);
  if (result.score < MIN_SCORE) {
    const hint = result.feedback.warning ?? result.feedback.suggestions[0];
    problems.push(`is too easy to guess${hint ? ` (${hint})` : ''}`);
  }
  return problems;
}

/** A one-time password for a new or reset account: 128 random bits. */
export function oneTimePassword(): string {
  return randomBytes(16).toString('base64url');
}
