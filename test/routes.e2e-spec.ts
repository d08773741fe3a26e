import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { APP_GUARD } from '@nestjs/core';
import request from 'supertest';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessGuard } from '../src/auth/access.guard.js';
import { SessionsService } from '../src/auth/sessions.service.js';
import { COUNTER_STORE } from '../src/common/rate-limit/rate-limit.module.js';
import { APP_CONFIG } from '../src/config/app-config.token.js';
import { PartnerApiKeysService } from '../src/partners/partner-api-keys.service.js';
import { listenersOf } from '../src/common/listeners/listeners.js';
import { AllExceptionsFilter } from '../src/common/all-exceptions.filter.js';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { listRoutes } from './support/routes.js';

describe('route inventory', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('declares who may call every route', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => r.label);
    expect(undeclared).toEqual([]);
  });

  it('lists exactly the public routes we mean to be public', () => {
    const open = listRoutes(t.app)
      .filter((r) => r.access?.kind === 'public')
      .map((r) => r.label);
    expect(open).toEqual([
      'GET /',
      'GET /assets/:name',
      'GET /follow-up',
      'GET /health/live',
      'GET /health/ready',
      'GET /protect',
      'GET /v1/challenges',
      'GET /v1/intake-keys',
      'POST /',
      'POST /follow-up',
      'POST /follow-up/message',
      'POST /follow-up/message/with-proof',
      'POST /receipt',
      'POST /tip/with-proof',
      'POST /v1/auth/sessions',
      'POST /v1/follow-ups/messages',
      'POST /v1/follow-ups/status',
      'POST /v1/tips',
    ]);
  });

  it('serves every route on the listener we mean it for', () => {
    const listeners = Object.fromEntries(listRoutes(t.app).map((r) => [r.label, r.listener]));
    // Staff, operations and the partner API stay off the public side (and the onion) when split.
    expect(listeners).toEqual({
      'DELETE /v1/admin/intake-keys/:fingerprint': 'staff',
      'DELETE /v1/admin/partners/:id/api-keys/:keyId': 'staff',
      'DELETE /v1/admin/partners/:id/signing-keys/:fingerprint': 'staff',
      'DELETE /v1/auth/sessions/current': 'staff',
      'GET /': 'public',
      'GET /assets/:name': 'public',
      'GET /follow-up': 'public',
      'GET /health/live': 'public',
      'GET /health/ready': 'staff',
      'GET /metrics': 'staff',
      'GET /protect': 'public',
      'GET /v1/admin/approvals': 'staff',
      'GET /v1/admin/intake-keys': 'staff',
      'GET /v1/admin/partners': 'staff',
      'GET /v1/admin/partners/:id/api-keys': 'staff',
      'GET /v1/admin/partners/:id/signing-keys': 'staff',
      'GET /v1/admin/users': 'staff',
      'GET /v1/admin/webhooks': 'staff',
      'GET /v1/admin/webhooks/:id/deliveries': 'staff',
      'GET /v1/audit/events': 'staff',
      'GET /v1/audit/verify': 'staff',
      'GET /v1/auth/me': 'staff',
      'GET /v1/challenges': 'public',
      'GET /v1/intake-keys': 'public',
      'GET /v1/partner/tips': 'partner',
      'GET /v1/partner/tips/:id': 'partner',
      'GET /v1/partner/usage': 'partner',
      'GET /v1/triage/tips': 'staff',
      'GET /v1/triage/tips/:id': 'staff',
      'GET /v1/triage/tips/:id/attachments/:n': 'staff',
      'GET /v1/triage/tips/:id/messages': 'staff',
      'GET /v1/triage/tips/:id/notes': 'staff',
      'GET /v1/triage/tips/:id/payload': 'staff',
      'PATCH /v1/admin/partners/:id': 'staff',
      'PATCH /v1/admin/users/:id': 'staff',
      'PATCH /v1/admin/webhooks/:id': 'staff',
      'PATCH /v1/triage/tips/:id': 'staff',
      'POST /': 'public',
      'POST /follow-up': 'public',
      'POST /follow-up/message': 'public',
      'POST /follow-up/message/with-proof': 'public',
      'POST /receipt': 'public',
      'POST /tip/with-proof': 'public',
      'POST /v1/admin/intake-keys': 'staff',
      'POST /v1/admin/intake-keys/:fingerprint/approval': 'staff',
      'POST /v1/admin/partners': 'staff',
      'POST /v1/admin/partners/:id/api-keys': 'staff',
      'POST /v1/admin/partners/:id/signing-keys': 'staff',
      'POST /v1/admin/users': 'staff',
      'POST /v1/admin/users/:id/role-approval': 'staff',
      'POST /v1/admin/users/:id/totp-reset': 'staff',
      'POST /v1/admin/webhooks': 'staff',
      'POST /v1/admin/webhooks/:id/deliveries/:deliveryId/resend': 'staff',
      'POST /v1/admin/webhooks/:id/test': 'staff',
      'POST /v1/auth/password': 'staff',
      'POST /v1/auth/sessions': 'staff',
      'POST /v1/follow-ups/messages': 'public',
      'POST /v1/follow-ups/status': 'public',
      'POST /v1/partner/tips': 'partner',
      'POST /v1/tips': 'public',
      'POST /v1/triage/tips/:id/exports': 'staff',
      'POST /v1/triage/tips/:id/notes': 'staff',
      'POST /v1/triage/tips/:id/replies': 'staff',
    });
  });

  it('declares a listener on every route Fastify serves, plugin routes included', () => {
    const routes = listenersOf(t.app).routes;
    // Nest's routes and Swagger UI's (development and test only).
    expect(routes.some((r) => r.url === '/v1/tips')).toBe(true);
    expect(routes.some((r) => r.url.startsWith('/docs'))).toBe(true);
    const undeclared = routes.filter((r) => r.listener === undefined).map((r) => r.url);
    expect(undeclared).toEqual([]);
    expect(routes.filter((r) => r.url.startsWith('/docs')).map((r) => r.listener)).toEqual(
      routes.filter((r) => r.url.startsWith('/docs')).map(() => 'staff'),
    );
  });
});

@Controller('undeclared')
class UndeclaredController {
  @Get()
  get(): string {
    return 'should never be served';
  }
}

describe('AccessGuard', () => {
  it('closes a route that declares nothing (deny by default)', async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [UndeclaredController],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        // The guard must refuse before it consults any of these.
        { provide: SessionsService, useValue: {} },
        { provide: PartnerApiKeysService, useValue: {} },
        { provide: COUNTER_STORE, useValue: {} },
        { provide: APP_CONFIG, useValue: {} },
      ],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      const res = await request(app.getHttpServer()).get('/undeclared').expect(401);
      expect(res.body).toEqual({
        error: { code: 'unauthenticated', message: 'Authentication is required.' },
      });
    } finally {
      await app.close();
    }
  });
});
