import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { STAFF_ROLES, type StaffRole } from '../src/common/auth/roles.js';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { listRoutes, type RouteInfo } from './support/routes.js';
import { accountOfEveryRole, issueSession } from './support/staff.js';
import { partnerToken } from './support/partners.js';

type Caller = 'anonymous' | 'partner' | StaffRole;
const CALLERS: Caller[] = ['anonymous', 'partner', ...STAFF_ROLES];

const ALL_STAFF: Caller[] = [...STAFF_ROLES];

/**
 * Who may call what, written down independently of the decorators: a route
 * whose decorator disagrees with this table fails, and so does a new route
 * missing from it.
 */
const EXPECTED: Record<string, Caller[]> = {
  'GET /health/live': CALLERS,
  'GET /metrics': CALLERS,
  'GET /v1/challenges': CALLERS,
  'GET /health/ready': CALLERS,
  'GET /v1/intake-keys': CALLERS,
  'POST /v1/tips': CALLERS,
  'POST /v1/auth/sessions': CALLERS,
  'POST /v1/follow-ups/status': CALLERS,
  'POST /v1/follow-ups/messages': CALLERS,
  // The public web site (src/public-site).
  'GET /': CALLERS,
  'POST /': CALLERS,
  'POST /tip/with-proof': CALLERS,
  'POST /receipt': CALLERS,
  'GET /follow-up': CALLERS,
  'POST /follow-up': CALLERS,
  'POST /follow-up/message': CALLERS,
  'POST /follow-up/message/with-proof': CALLERS,
  'GET /protect': CALLERS,
  'GET /assets/:name': CALLERS,
  'DELETE /v1/auth/sessions/current': ALL_STAFF,
  'GET /v1/auth/me': ALL_STAFF,
  'POST /v1/auth/password': ALL_STAFF,
  'GET /v1/triage/tips': ['analyst', 'lead'],
  'GET /v1/triage/tips/:id': ['analyst', 'lead'],
  'PATCH /v1/triage/tips/:id': ['analyst', 'lead'],
  'GET /v1/triage/tips/:id/payload': ['analyst', 'lead'],
  'GET /v1/triage/tips/:id/notes': ['analyst', 'lead'],
  'POST /v1/triage/tips/:id/notes': ['analyst', 'lead'],
  'POST /v1/triage/tips/:id/exports': ['analyst', 'lead'],
  'POST /v1/admin/webhooks': ['admin'],
  'GET /v1/admin/webhooks': ['admin'],
  'PATCH /v1/admin/webhooks/:id': ['admin'],
  'GET /v1/admin/webhooks/:id/deliveries': ['admin'],
  'POST /v1/admin/webhooks/:id/deliveries/:deliveryId/resend': ['admin'],
  'POST /v1/admin/webhooks/:id/test': ['admin'],
  'POST /v1/triage/tips/:id/replies': ['analyst', 'lead'],
  'GET /v1/triage/tips/:id/messages': ['analyst', 'lead'],
  'GET /v1/triage/tips/:id/attachments/:n': ['analyst', 'lead'],
  'GET /v1/admin/users': ['admin'],
  'POST /v1/admin/users': ['admin'],
  'PATCH /v1/admin/users/:id': ['admin'],
  'POST /v1/admin/users/:id/totp-reset': ['admin'],
  'POST /v1/admin/users/:id/role-approval': ['admin', 'lead'],
  'GET /v1/admin/intake-keys': ['admin'],
  'POST /v1/admin/intake-keys': ['admin'],
  'DELETE /v1/admin/intake-keys/:fingerprint': ['admin'],
  'POST /v1/admin/intake-keys/:fingerprint/approval': ['admin'],
  'GET /v1/admin/approvals': ['admin', 'lead'],
  'GET /v1/admin/partners': ['admin'],
  'POST /v1/admin/partners': ['admin'],
  'PATCH /v1/admin/partners/:id': ['admin'],
  'GET /v1/admin/partners/:id/api-keys': ['admin'],
  'POST /v1/admin/partners/:id/api-keys': ['admin'],
  'DELETE /v1/admin/partners/:id/api-keys/:keyId': ['admin'],
  'GET /v1/admin/partners/:id/signing-keys': ['admin'],
  'POST /v1/admin/partners/:id/signing-keys': ['admin'],
  'DELETE /v1/admin/partners/:id/signing-keys/:fingerprint': ['admin'],
  'POST /v1/partner/tips': ['partner'],
  'GET /v1/partner/tips': ['partner'],
  'GET /v1/partner/tips/:id': ['partner'],
  'GET /v1/partner/usage': ['partner'],
  'GET /v1/audit/events': ['auditor'],
  'GET /v1/audit/verify': ['auditor'],
};

function allowed(route: RouteInfo, caller: Caller): boolean {
  return EXPECTED[route.label]?.includes(caller) ?? false;
}

/**
 * Every route against every kind of caller: a caller the route does not
 * allow gets 401 (anonymous) or 403; an allowed one never does. Bodies are
 * empty, so allowed writes fail validation instead of changing anything.
 */
describe('role-by-route matrix', () => {
  let t: TestApp;
  let ids: Map<StaffRole, string>;
  let partnerKey: string;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
    ids = await accountOfEveryRole(t);
    partnerKey = await partnerToken(t, { name: 'matrix', requestsPerMinute: 1000 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const tokenFor = async (caller: Exclude<Caller, 'anonymous'>): Promise<string> =>
    caller === 'partner' ? partnerKey : issueSession(t, ids.get(caller)!);

  it('covers every route for anonymous callers and each role', async () => {
    const routes = listRoutes(t.app);
    expect(routes.map((r) => r.label).sort()).toEqual(Object.keys(EXPECTED).sort());
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const path = route.path
        .replace(':id', randomUUID())
        .replace(':fingerprint', 'ABCDEF0123')
        .replace(':keyId', '0123456789abcdef')
        .replace(':n', '1');
      for (const caller of CALLERS) {
        // A fresh session per call: one route (logout) ends it.
        const token = caller === 'anonymous' ? undefined : await tokenFor(caller);
        let req = request(t.server)[route.method.toLowerCase() as 'get'](path);
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        if (['POST', 'PATCH', 'PUT'].includes(route.method)) req = req.send({});
        const res = await req;
        checked++;
        const denied = res.status === 401 || res.status === 403;
        const expectDenied = !allowed(route, caller);
        if (denied !== expectDenied || res.status >= 500) {
          failures.push(
            `${route.label} as ${caller}: ${res.status} ${res.body?.error?.code ?? ''}`,
          );
        }
        if (expectDenied && caller === 'anonymous' && res.status !== 401) {
          failures.push(`${route.label} as anonymous: ${res.status}, expected 401`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(routes.length * CALLERS.length);
  });
});
