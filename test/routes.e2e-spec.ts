import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { APP_GUARD } from '@nestjs/core';
import request from 'supertest';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessGuard } from '../src/auth/access.guard.js';
import { SessionsService } from '../src/auth/sessions.service.js';
import { COUNTER_STORE } from '../src/common/rate-limit/rate-limit.module.js';
import { APP_CONFIG } from '../src/config/app-config.token.js';
import { PartnersService } from '../src/partners/partners.service.js';
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
        { provide: PartnersService, useValue: {} },
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
