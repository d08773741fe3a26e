import request from 'supertest';
import type { TestApp } from './app.js';

/** A valid public tip; a test overrides the fields it cares about. */
export const A_TIP = { category: 'other', submitterUrgency: 'weeks', narrative: 'a tip' };

export interface SubmittedTip {
  reference: string;
  receipt: string;
  status: string;
}

/** POST /v1/tips as JSON on an in-process app; fails unless it answers 201. */
export async function submitTip(
  t: Pick<TestApp, 'server'>,
  fields: Record<string, unknown> = {},
): Promise<SubmittedTip> {
  const res = await request(t.server)
    .post('/v1/tips')
    .send({ ...A_TIP, ...fields })
    .expect(201);
  return res.body as SubmittedTip;
}

/** POST /v1/tips as JSON on a running service (a child process); the caller checks the status. */
export async function postTip(
  url: string,
  fields: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL('/v1/tips', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ...A_TIP, ...fields }),
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => ({}))) as Record<string, unknown>,
  };
}
