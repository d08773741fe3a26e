import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { issueChallenge, solve, verifySolution } from '../proof-of-work/pow.js';

interface Solved {
  done: boolean;
  counter?: string;
}

/** Runs the browser worker's script in a bare context, as a Web Worker would. */
function workerSolve(challenge: string, difficulty: number): string {
  const messages: Solved[] = [];
  const self: { postMessage(m: Solved): void; onmessage?: (e: { data: unknown }) => void } = {
    postMessage: (m) => messages.push(m),
  };
  runInNewContext(readFileSync(new URL('./assets/pow-worker.js', import.meta.url), 'utf8'), {
    self,
    TextEncoder,
  });
  self.onmessage!({ data: { challenge, difficulty } });
  return messages.find((m) => m.done)!.counter!;
}

const secret = Buffer.from('w'.repeat(32));

describe('the proof-of-work worker (browser)', () => {
  it('finds the same first counter as the server-side solver, which the server accepts', () => {
    for (const difficulty of [1, 8, 12]) {
      const c = issueChallenge(secret, difficulty);
      const counter = workerSolve(c.token, difficulty);
      expect(counter).toBe(solve(c.token, difficulty));
      expect(verifySolution(secret, `${c.token}:${counter}`, difficulty).ok).toBe(true);
    }
  });

  it('hashes correctly across block boundaries (prefixes of 55 to 130 bytes)', () => {
    for (const length of [54, 55, 56, 63, 64, 119, 120, 129]) {
      const token = 't'.repeat(length);
      expect(workerSolve(token, 9)).toBe(solve(token, 9));
    }
  });
});
