import { randomUUID } from 'node:crypto';
import { listenersOf } from '../src/common/listeners/listeners.js';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { startService, testServiceEnv } from './support/processes.js';
import { listRoutes, type RouteInfo } from './support/routes.js';

// A v3 address made by Debian's tor (checksum valid).
const ONION = 'http://4d2lk4kclqyvxhs4pnonrjngrotbrrra4npckdkogfcmz3xiyhsekvyd.onion';
const NOT_FOUND = { error: { code: 'not_found', message: 'Not found.' } };
const SPLIT = {
  PUBLIC_LISTEN: '127.0.0.1:0',
  STAFF_LISTEN: '127.0.0.1:0',
  ONION_LISTEN: '127.0.0.1:0',
};

type Urls = Record<string, string>;

async function listen(t: TestApp): Promise<Urls> {
  const listening = await listenersOf(t.app).listen((address) => t.app.listen(address));
  return Object.fromEntries(listening.map(({ name, url }) => [name, url]));
}

/** A concrete request for a route pattern (parameters filled in, JSON bodies empty). */
function call(base: string, route: Pick<RouteInfo, 'method' | 'path'>, body = '{}') {
  const path = route.path.replace(/:[a-zA-Z]+/g, () => randomUUID());
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
  return fetch(new URL(path, base), {
    method: route.method,
    headers: hasBody ? { 'content-type': 'application/json' } : {},
    body: hasBody ? body : undefined,
  });
}

/** Response headers that may differ between two answers without telling anything. */
function stableHeaders(res: Response): Record<string, string> {
  const headers = Object.fromEntries(res.headers.entries());
  delete headers.date;
  return headers;
}

describe('two listeners (PUBLIC_LISTEN, ONION_LISTEN, STAFF_LISTEN)', () => {
  let t: TestApp;
  let urls: Urls;

  beforeAll(async () => {
    t = await startTestApp(
      [(await makeTestKey()).publicKeyPath],
      { ...SPLIT, ONION_LOCATION: `${ONION}/` },
      (fastify) => {
        // A public HTML page (the public site's pages are in their own module).
        fastify.get('/test-page', { config: { tiplineListener: 'public' } }, (_req, reply) =>
          reply.type('text/html; charset=utf-8').send('<!doctype html><title>t</title>'),
        );
      },
    );
    urls = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('listens on three sockets', () => {
    expect(Object.keys(urls).sort()).toEqual(['onion', 'public', 'staff']);
    expect(new Set(Object.values(urls)).size).toBe(3);
  });

  it('serves each route on its own side only, and 404 across, both ways', async () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(30);
    const sides: Record<string, string[]> = {
      public: ['public', 'onion'],
      partner: ['public', 'onion'], // PARTNER_LISTENER defaults to public
      staff: ['staff'],
    };
    const wrong: string[] = [];
    for (const route of routes) {
      for (const listener of ['public', 'onion', 'staff']) {
        const res = await call(urls[listener]!, route);
        const body = await res.text();
        const served = sides[route.listener!]!.includes(listener);
        const looksAbsent = res.status === 404 && body === JSON.stringify(NOT_FOUND);
        if (served === looksAbsent) wrong.push(`${route.label} on ${listener}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers a route on the wrong listener exactly as a route that does not exist', async () => {
    const absent = await fetch(new URL('/v1/no-such-route', urls.public));
    for (const [base, path] of [
      [urls.public, '/v1/triage/tips'],
      [urls.onion, '/v1/admin/users'],
      [urls.onion, '/metrics'],
      [urls.public, '/health/ready'],
      [urls.staff, '/v1/intake-keys'],
      [urls.staff, '/health/live'],
      [urls.staff, '/v1/partner/usage'],
    ] as const) {
      const res = await fetch(new URL(path, base));
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.json()).toEqual(NOT_FOUND);
      expect(stableHeaders(res)).toEqual(stableHeaders(absent));
    }
    await absent.text();
  });

  it('refuses before reading the body: a bad body on the wrong listener is still 404', async () => {
    for (const [base, path] of [
      [urls.public, '/v1/auth/sessions'],
      [urls.staff, '/v1/tips'],
    ] as const) {
      const res = await fetch(new URL(path, base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });
      expect([path, res.status, await res.json()]).toEqual([path, 404, NOT_FOUND]);
    }
    // On its own listener the same body is a 400, so the 404 above came from the split.
    const own = await fetch(new URL('/v1/auth/sessions', urls.staff), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(own.status).toBe(400);
    await own.text();
  });

  it('sends Onion-Location on public HTML pages, with path and query, and nowhere else', async () => {
    const page = await fetch(new URL('/test-page?lang=fr', urls.public));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('onion-location')).toBe(`${ONION}/test-page?lang=fr`);
    await page.text();

    const onOnion = await fetch(new URL('/test-page', urls.onion));
    expect(onOnion.status).toBe(200);
    expect(onOnion.headers.get('onion-location')).toBeNull();
    await onOnion.text();

    const json = await fetch(new URL('/v1/intake-keys', urls.public));
    expect(json.status).toBe(200);
    expect(json.headers.get('onion-location')).toBeNull();
    await json.text();

    const staffPage = await fetch(new URL('/test-page', urls.staff));
    expect(staffPage.status).toBe(404);
    expect(staffPage.headers.get('onion-location')).toBeNull();
    await staffPage.text();
  });
});

describe('PARTNER_LISTENER=staff and the onion limit', () => {
  let t: TestApp;
  let urls: Urls;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath], {
      ...SPLIT,
      PARTNER_LISTENER: 'staff',
      ONION_RATE_LIMIT: '3',
    });
    urls = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the partner API on the staff listener only', async () => {
    for (const route of listRoutes(t.app).filter((r) => r.listener === 'partner')) {
      const onStaff = await call(urls.staff!, route);
      expect([route.label, onStaff.status]).toEqual([route.label, 401]);
      await onStaff.text();
      for (const side of ['public', 'onion']) {
        const res = await call(urls[side]!, route);
        expect([route.label, side, res.status, await res.json()]).toEqual([
          route.label,
          side,
          404,
          NOT_FOUND,
        ]);
      }
    }
  });

  it('counts all onion users together against ONION_RATE_LIMIT, apart from the public side', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(new URL('/v1/challenges', urls.onion));
      statuses.push(res.status);
      await res.text();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const publicSide = await fetch(new URL('/v1/challenges', urls.public));
    expect(publicSide.status).toBe(200);
    await publicSide.text();
  });
});

describe('the built service with two listeners', () => {
  it('starts with PUBLIC_LISTEN and STAFF_LISTEN and splits the routes', async () => {
    const key = await makeTestKey();
    const service = await startService(
      testServiceEnv(key.publicKeyPath, {
        BACKGROUND_JOBS: 'false',
        PUBLIC_LISTEN: '127.0.0.1:0',
        STAFF_LISTEN: '127.0.0.1:0',
      }),
    );
    try {
      const staff = /staff listener on (http:\/\/[^\s"]+)/.exec(service.output())?.[1];
      expect(staff).toBeDefined();
      expect(staff).not.toBe(service.url);
      const get = async (base: string, path: string) => {
        const res = await fetch(new URL(path, base));
        await res.text();
        return res.status;
      };
      expect(await get(service.url, '/health/live')).toBe(200);
      expect(await get(staff!, '/health/live')).toBe(404);
      expect(await get(staff!, '/health/ready')).toBe(200);
      expect(await get(service.url, '/health/ready')).toBe(404);
      expect(await get(staff!, '/v1/auth/me')).toBe(401);
      expect(await get(service.url, '/v1/auth/me')).toBe(404);
    } finally {
      await service.stop();
    }
  });
});
