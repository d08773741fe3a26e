import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import request, { type Response } from 'supertest';
import { UsersService } from '../src/auth/users.service.js';
import { generateKeyPair } from '../src/crypto/openpgp.js';
import { startTestApp, type TestApp } from './support/app.js';
import { tipIdOf } from './support/database.js';
import { makeTestKey } from './support/keys.js';
import { startService, testServiceEnv } from './support/processes.js';
import {
  bearer,
  codeFor,
  staffLogin,
  totpSecretOf,
  uniqueName,
  type StaffLogin,
} from './support/staff.js';

// CommonJS packages: under NodeNext the default import is `module.exports`, whose `default` is the export.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/*
 * The checked-in contract (openapi/openapi.json) against the real application:
 * every response below must have a documented status, a documented media type
 * and, for JSON, a body valid against the documented schema. Object schemas
 * are validated closed (no undocumented field), and OpenAPI 3.0 `nullable` is
 * read as "or null". The document is regenerated and compared by
 * `node scripts/openapi.mjs --check`, not here.
 */

interface MediaType {
  schema?: unknown;
  examples?: Record<string, { value?: unknown }>;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}
type Method = 'get' | 'post' | 'patch' | 'delete';

const DOCUMENT = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../openapi/openapi.json'), 'utf8'),
) as OpenApiDocument;
const BASE = 'https://tipline.test/openapi.json';

/** OpenAPI 3.0 schema -> JSON Schema as Ajv reads it, closed for validation of responses. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'example' || key === 'examples' || key === 'default' || key === 'enum') {
      out[key] = value; // data, not schemas
    } else if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      out[key] = `${BASE}${value}`;
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (out.type === 'object' && out.properties !== undefined && !('additionalProperties' in out)) {
    out.additionalProperties = false;
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('binary', true);
ajv.addFormat('password', true);
ajv.addSchema({ $id: BASE, components: { schemas: toJsonSchema(DOCUMENT.components.schemas) } });

const validators = new Map<string, ValidateFunction>();
/** Statuses seen per operation, for the coverage check at the end. */
const seen = new Map<string, Set<number>>();

function operationOf(method: Method, path: string): Operation {
  const operation = DOCUMENT.paths[path]?.[method];
  if (operation === undefined) {
    throw new Error(`${method.toUpperCase()} ${path} is not in openapi/openapi.json`);
  }
  return operation;
}

/** Fails unless `res` is a documented response of this operation, with a valid body. */
function expectDocumented(res: Response, method: Method, path: string): void {
  const operation = operationOf(method, path);
  const documented = operation.responses[String(res.status)];
  if (documented === undefined) {
    throw new Error(
      `${operation.operationId} answered ${res.status}, which is not documented ` +
        `(documented: ${Object.keys(operation.responses).join(', ')})`,
    );
  }
  seen.set(operation.operationId, (seen.get(operation.operationId) ?? new Set()).add(res.status));

  if (documented.content === undefined) {
    expect({ operation: operation.operationId, body: res.text ?? '' }).toEqual({
      operation: operation.operationId,
      body: '',
    });
    return;
  }
  const contentType = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  const mediaKey = Object.keys(documented.content).find(
    (key) => key.split(';')[0]!.trim() === contentType,
  );
  expect({ operation: operation.operationId, status: res.status, contentType }).toEqual({
    operation: operation.operationId,
    status: res.status,
    contentType: mediaKey?.split(';')[0]!.trim(),
  });
  if (contentType !== 'application/json') return;

  const key = `${operation.operationId} ${res.status}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv.compile(toJsonSchema(documented.content[mediaKey!]!.schema) as object);
    validators.set(key, validate);
  }
  const valid = validate(res.body);
  const problems = valid
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
  expect({ response: key, problems }).toEqual({ response: key, problems: [] });
}

/** A request example of the document, so that the server is shown to accept it. */
function exampleOf(method: Method, path: string, name: string): Record<string, unknown> {
  const value = operationOf(method, path).requestBody?.content['application/json']?.examples?.[name]
    ?.value;
  if (value === undefined) throw new Error(`no example "${name}" for ${method} ${path}`);
  return structuredClone(value) as Record<string, unknown>;
}

const EX_UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('OpenAPI document: real responses match it', () => {
  let t: TestApp;
  let analyst: StaffLogin;
  let admin: StaffLogin;
  let auditor: StaffLogin;
  let receipt: string;
  let reference: string;
  let uploadReference: string;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
    analyst = await staffLogin(t, 'analyst');
    admin = await staffLogin(t, 'admin');
    auditor = await staffLogin(t, 'auditor');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is an OpenAPI 3.0 document with one shared error schema', () => {
    expect(DOCUMENT.openapi).toBe('3.0.3');
    for (const [path, item] of Object.entries(DOCUMENT.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          expect({ at: `${method} ${path} ${status}`, schema: response.content }).toEqual({
            at: `${method} ${path} ${status}`,
            schema: {
              'application/json': expect.objectContaining({
                schema: { $ref: '#/components/schemas/ErrorBody' },
              }),
            },
          });
        }
      }
    }
  });

  it('public intake: JSON and multipart submissions, and their errors', async () => {
    const tip = await request(t.server)
      .post('/v1/tips')
      .send(exampleOf('post', '/v1/tips', 'tip'))
      .expect(201);
    expectDocumented(tip, 'post', '/v1/tips');
    receipt = tip.body.receipt;
    reference = tip.body.reference;

    const upload = await request(t.server)
      .post('/v1/tips')
      .field(
        'tip',
        JSON.stringify({ ...exampleOf('post', '/v1/tips', 'tip'), allowReplies: false }),
      )
      .attach('file', Buffer.from('evidence'), { filename: 'e.txt', contentType: 'text/plain' })
      .expect(201);
    expectDocumented(upload, 'post', '/v1/tips');
    uploadReference = upload.body.reference;

    for (const res of [
      await request(t.server).post('/v1/tips').send({ category: 'nope' }).expect(400),
      await request(t.server)
        .post('/v1/tips')
        .set('Content-Type', 'application/json')
        .send('{"category":')
        .expect(400),
      await request(t.server)
        .post('/v1/tips')
        .set('Content-Type', 'text/plain')
        .send('hello')
        .expect(415),
      await request(t.server).post('/v1/tips').field('nottip', '{}').expect(400),
    ]) {
      expectDocumented(res, 'post', '/v1/tips');
    }
  });

  it('public reads: intake keys, health, challenges, metrics', async () => {
    expectDocumented(
      await request(t.server).get('/v1/intake-keys').expect(200),
      'get',
      '/v1/intake-keys',
    );
    expectDocumented(
      await request(t.server).get('/health/live').expect(200),
      'get',
      '/health/live',
    );
    expectDocumented(
      await request(t.server).get('/health/ready').expect(200),
      'get',
      '/health/ready',
    );
    expectDocumented(
      await request(t.server).get('/v1/challenges').expect(200),
      'get',
      '/v1/challenges',
    );
    expectDocumented(await request(t.server).get('/metrics').expect(200), 'get', '/metrics');
  });

  it('follow-ups: check-in, message, wrong receipt', async () => {
    const status = await request(t.server)
      .post('/v1/follow-ups/status')
      .send(exampleOf('post', '/v1/follow-ups/status', 'receipt'))
      .expect(404);
    expectDocumented(status, 'post', '/v1/follow-ups/status');

    expectDocumented(
      await request(t.server).post('/v1/follow-ups/status').send({ receipt }).expect(200),
      'post',
      '/v1/follow-ups/status',
    );
    const message = exampleOf('post', '/v1/follow-ups/messages', 'message');
    expectDocumented(
      await request(t.server)
        .post('/v1/follow-ups/messages')
        .send({ ...message, receipt })
        .expect(201),
      'post',
      '/v1/follow-ups/messages',
    );
  });

  it('staff sessions: login, me, password, logout, and their errors', async () => {
    const bad = await request(t.server)
      .post('/v1/auth/sessions')
      .send(exampleOf('post', '/v1/auth/sessions', 'login'))
      .expect(401);
    expectDocumented(bad, 'post', '/v1/auth/sessions');

    const login = await request(t.server)
      .post('/v1/auth/sessions')
      .send({ username: analyst.username, password: analyst.password, totp: analyst.code(1) })
      .expect(201);
    expectDocumented(login, 'post', '/v1/auth/sessions');
    const session = { token: login.body.token as string };

    expectDocumented(
      await request(t.server)
        .get('/v1/auth/me')
        .set(...bearer(session))
        .expect(200),
      'get',
      '/v1/auth/me',
    );
    expectDocumented(await request(t.server).get('/v1/auth/me').expect(401), 'get', '/v1/auth/me');
    expectDocumented(
      await request(t.server)
        .post('/v1/auth/password')
        .set(...bearer(session))
        .send(exampleOf('post', '/v1/auth/password', 'change'))
        .expect(400),
      'post',
      '/v1/auth/password',
    );
    expectDocumented(
      await request(t.server)
        .delete('/v1/auth/sessions/current')
        .set(...bearer(session))
        .expect(204),
      'delete',
      '/v1/auth/sessions/current',
    );

    // A new account replaces its one-time password.
    const name = uniqueName('newcomer');
    const created = await t.app
      .get(UsersService)
      .create(name, 'analyst', { actor: null, ip: null });
    const first = await request(t.server)
      .post('/v1/auth/sessions')
      .send({
        username: name,
        password: created.oneTimePassword,
        totp: codeFor(totpSecretOf(created.totpUri)),
      })
      .expect(201);
    expectDocumented(first, 'post', '/v1/auth/sessions');
    expectDocumented(
      await request(t.server)
        .post('/v1/auth/password')
        .set(...bearer(first.body))
        .send({
          ...exampleOf('post', '/v1/auth/password', 'change'),
          currentPassword: created.oneTimePassword,
        })
        .expect(204),
      'post',
      '/v1/auth/password',
    );
  });

  it('triage: queue, tip, update, ciphertext, notes, replies, attachments', async () => {
    const list = await request(t.server)
      .get('/v1/triage/tips')
      .set(...bearer(analyst))
      .expect(200);
    expectDocumented(list, 'get', '/v1/triage/tips');
    const replyable = { id: await tipIdOf(reference) };
    const withFile = { id: await tipIdOf(uploadReference) };
    expectDocumented(
      await request(t.server)
        .get('/v1/triage/tips?limit=0')
        .set(...bearer(analyst))
        .expect(400),
      'get',
      '/v1/triage/tips',
    );
    expectDocumented(
      await request(t.server)
        .get('/v1/triage/tips')
        .set(...bearer(auditor))
        .expect(403),
      'get',
      '/v1/triage/tips',
    );

    const one = `/v1/triage/tips/${replyable.id}`;
    const shown = await request(t.server)
      .get(one)
      .set(...bearer(analyst))
      .expect(200);
    expectDocumented(shown, 'get', '/v1/triage/tips/{id}');
    expectDocumented(
      await request(t.server)
        .get(`/v1/triage/tips/${randomUUID()}`)
        .set(...bearer(analyst))
        .expect(404),
      'get',
      '/v1/triage/tips/{id}',
    );

    const claim = {
      ...exampleOf('patch', '/v1/triage/tips/{id}', 'claim'),
      version: shown.body.version,
    };
    expectDocumented(
      await request(t.server)
        .patch(one)
        .set(...bearer(analyst))
        .send(claim)
        .expect(200),
      'patch',
      '/v1/triage/tips/{id}',
    );
    expectDocumented(
      await request(t.server)
        .patch(one)
        .set(...bearer(analyst))
        .send(claim)
        .expect(409),
      'patch',
      '/v1/triage/tips/{id}',
    );

    expectDocumented(
      await request(t.server)
        .get(`${one}/payload`)
        .set(...bearer(analyst))
        .expect(200),
      'get',
      '/v1/triage/tips/{id}/payload',
    );
    expectDocumented(
      await request(t.server)
        .post(`${one}/notes`)
        .set(...bearer(analyst))
        .send(exampleOf('post', '/v1/triage/tips/{id}/notes', 'note'))
        .expect(201),
      'post',
      '/v1/triage/tips/{id}/notes',
    );
    expectDocumented(
      await request(t.server)
        .get(`${one}/notes`)
        .set(...bearer(analyst))
        .expect(200),
      'get',
      '/v1/triage/tips/{id}/notes',
    );
    expectDocumented(
      await request(t.server)
        .post(`${one}/replies`)
        .set(...bearer(analyst))
        .send(exampleOf('post', '/v1/triage/tips/{id}/replies', 'reply'))
        .expect(201),
      'post',
      '/v1/triage/tips/{id}/replies',
    );
    expectDocumented(
      await request(t.server)
        .post(`/v1/triage/tips/${withFile.id}/replies`)
        .set(...bearer(analyst))
        .send(exampleOf('post', '/v1/triage/tips/{id}/replies', 'reply'))
        .expect(409),
      'post',
      '/v1/triage/tips/{id}/replies',
    );
    expectDocumented(
      await request(t.server)
        .get(`${one}/messages`)
        .set(...bearer(analyst))
        .expect(200),
      'get',
      '/v1/triage/tips/{id}/messages',
    );
    expectDocumented(
      await request(t.server)
        .get(`/v1/triage/tips/${withFile.id}/attachments/1`)
        .set(...bearer(analyst))
        .expect(200),
      'get',
      '/v1/triage/tips/{id}/attachments/{n}',
    );
    expectDocumented(
      await request(t.server)
        .get(`/v1/triage/tips/${withFile.id}/attachments/2`)
        .set(...bearer(analyst))
        .expect(404),
      'get',
      '/v1/triage/tips/{id}/attachments/{n}',
    );
  });

  it('admin: users', async () => {
    expectDocumented(
      await request(t.server)
        .get('/v1/admin/users')
        .set(...bearer(admin))
        .expect(200),
      'get',
      '/v1/admin/users',
    );
    const body = { ...exampleOf('post', '/v1/admin/users', 'lead'), username: uniqueName('lead') };
    const created = await request(t.server)
      .post('/v1/admin/users')
      .set(...bearer(admin))
      .send(body)
      .expect(201);
    expectDocumented(created, 'post', '/v1/admin/users');
    expectDocumented(
      await request(t.server)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send(body)
        .expect(409),
      'post',
      '/v1/admin/users',
    );
    const user = `/v1/admin/users/${created.body.user.id}`;
    const approver = await staffLogin(t, 'admin');
    expectDocumented(
      await request(t.server)
        .get('/v1/admin/approvals')
        .set(...bearer(approver))
        .expect(200),
      'get',
      '/v1/admin/approvals',
    );
    expectDocumented(
      await request(t.server)
        .post(`${user}/role-approval`)
        .set(...bearer(admin))
        .expect(403),
      'post',
      '/v1/admin/users/{id}/role-approval',
    );
    expectDocumented(
      await request(t.server)
        .post(`${user}/role-approval`)
        .set(...bearer(approver))
        .expect(200),
      'post',
      '/v1/admin/users/{id}/role-approval',
    );
    expectDocumented(
      await request(t.server)
        .patch(user)
        .set(...bearer(admin))
        .send(exampleOf('patch', '/v1/admin/users/{id}', 'disable'))
        .expect(200),
      'patch',
      '/v1/admin/users/{id}',
    );
    expectDocumented(
      await request(t.server)
        .post(`${user}/totp-reset`)
        .set(...bearer(admin))
        .expect(200),
      'post',
      '/v1/admin/users/{id}/totp-reset',
    );
    expectDocumented(
      await request(t.server)
        .post('/v1/admin/users/not-a-uuid/totp-reset')
        .set(...bearer(admin))
        .expect(400),
      'post',
      '/v1/admin/users/{id}/totp-reset',
    );
  });

  it('admin: intake keys', async () => {
    expectDocumented(
      await request(t.server)
        .get('/v1/admin/intake-keys')
        .set(...bearer(admin))
        .expect(200),
      'get',
      '/v1/admin/intake-keys',
    );
    const key = await makeTestKey();
    const added = await request(t.server)
      .post('/v1/admin/intake-keys')
      .set(...bearer(admin))
      .send({ armored: await readFile(key.publicKeyPath, 'utf8') })
      .expect(201);
    expectDocumented(added, 'post', '/v1/admin/intake-keys');
    const approver = await staffLogin(t, 'admin');
    expectDocumented(
      await request(t.server)
        .post(`/v1/admin/intake-keys/${added.body.fingerprint}/approval`)
        .set(...bearer(approver))
        .expect(204),
      'post',
      '/v1/admin/intake-keys/{fingerprint}/approval',
    );
    expectDocumented(
      await request(t.server)
        .post('/v1/admin/intake-keys')
        .set(...bearer(admin))
        .send(exampleOf('post', '/v1/admin/intake-keys', 'key'))
        .expect(422),
      'post',
      '/v1/admin/intake-keys',
    );
    expectDocumented(
      await request(t.server)
        .delete(`/v1/admin/intake-keys/${added.body.fingerprint}`)
        .set(...bearer(admin))
        .expect(204),
      'delete',
      '/v1/admin/intake-keys/{fingerprint}',
    );
  });

  it('admin partners and the partner API', async () => {
    expectDocumented(
      await request(t.server)
        .get('/v1/admin/partners')
        .set(...bearer(admin))
        .expect(200),
      'get',
      '/v1/admin/partners',
    );
    const created = await request(t.server)
      .post('/v1/admin/partners')
      .set(...bearer(admin))
      .send({ ...exampleOf('post', '/v1/admin/partners', 'partner'), name: uniqueName('Partner') })
      .expect(201);
    expectDocumented(created, 'post', '/v1/admin/partners');
    const partner = `/v1/admin/partners/${created.body.id}`;
    expectDocumented(
      await request(t.server)
        .patch(partner)
        .set(...bearer(admin))
        .send(exampleOf('patch', '/v1/admin/partners/{id}', 'limits'))
        .expect(200),
      'patch',
      '/v1/admin/partners/{id}',
    );
    expectDocumented(
      await request(t.server)
        .patch(`/v1/admin/partners/${randomUUID()}`)
        .set(...bearer(admin))
        .send({})
        .expect(404),
      'patch',
      '/v1/admin/partners/{id}',
    );

    const newKey = async () => {
      const res = await request(t.server)
        .post(`${partner}/api-keys`)
        .set(...bearer(admin))
        .send(exampleOf('post', '/v1/admin/partners/{id}/api-keys', 'key'))
        .expect(201);
      expectDocumented(res, 'post', '/v1/admin/partners/{id}/api-keys');
      return res.body as { apiKey: string; key: { id: string } };
    };
    const key = await newKey();
    const spare = await newKey();
    expectDocumented(
      await request(t.server)
        .get(`${partner}/api-keys`)
        .set(...bearer(admin))
        .expect(200),
      'get',
      '/v1/admin/partners/{id}/api-keys',
    );
    expectDocumented(
      await request(t.server)
        .delete(`${partner}/api-keys/${spare.key.id}`)
        .set(...bearer(admin))
        .expect(204),
      'delete',
      '/v1/admin/partners/{id}/api-keys/{keyId}',
    );

    const signer = await generateKeyPair({ name: 'OpenAPI signer' });
    const signing = await request(t.server)
      .post(`${partner}/signing-keys`)
      .set(...bearer(admin))
      .send({ armored: signer.publicKey })
      .expect(201);
    expectDocumented(signing, 'post', '/v1/admin/partners/{id}/signing-keys');
    expectDocumented(
      await request(t.server)
        .get(`${partner}/signing-keys`)
        .set(...bearer(admin))
        .expect(200),
      'get',
      '/v1/admin/partners/{id}/signing-keys',
    );
    expectDocumented(
      await request(t.server)
        .delete(`${partner}/signing-keys/${signing.body.fingerprint}`)
        .set(...bearer(admin))
        .expect(204),
      'delete',
      '/v1/admin/partners/{id}/signing-keys/{fingerprint}',
    );

    // The partner's side, with the document's own request examples.
    const asPartner = ['Authorization', `Bearer ${key.apiKey}`] as const;
    const idempotencyKey = randomUUID();
    const full = exampleOf('post', '/v1/partner/tips', 'full');
    const submitted = await request(t.server)
      .post('/v1/partner/tips')
      .set(...asPartner)
      .set('Idempotency-Key', idempotencyKey)
      .send(full)
      .expect(201);
    expectDocumented(submitted, 'post', '/v1/partner/tips');
    expect(submitted.headers['ratelimit']).toBeDefined();

    const replayed = await request(t.server)
      .post('/v1/partner/tips')
      .set(...asPartner)
      .set('Idempotency-Key', idempotencyKey)
      .send(full)
      .expect(201);
    expectDocumented(replayed, 'post', '/v1/partner/tips');
    expect(replayed.headers['idempotent-replayed']).toBe('true');

    expectDocumented(
      await request(t.server)
        .post('/v1/partner/tips')
        .set(...asPartner)
        .set('Idempotency-Key', randomUUID())
        .send(exampleOf('post', '/v1/partner/tips', 'minimal'))
        .expect(201),
      'post',
      '/v1/partner/tips',
    );
    for (const res of [
      // Same key, another body.
      await request(t.server)
        .post('/v1/partner/tips')
        .set(...asPartner)
        .set('Idempotency-Key', idempotencyKey)
        .send({ ...full, narrative: 'something else' })
        .expect(422),
      // Same sourceRef, new key.
      await request(t.server)
        .post('/v1/partner/tips')
        .set(...asPartner)
        .set('Idempotency-Key', randomUUID())
        .send(full)
        .expect(409),
      // No Idempotency-Key.
      await request(t.server)
        .post('/v1/partner/tips')
        .set(...asPartner)
        .send(full)
        .expect(400),
      await request(t.server).post('/v1/partner/tips').send(full).expect(401),
    ]) {
      expectDocumented(res, 'post', '/v1/partner/tips');
    }

    expectDocumented(
      await request(t.server)
        .get(`/v1/partner/tips?sourceRef=${encodeURIComponent(String(full.sourceRef))}`)
        .set(...asPartner)
        .expect(200),
      'get',
      '/v1/partner/tips',
    );
    expectDocumented(
      await request(t.server)
        .get(`/v1/partner/tips/${submitted.body.id}`)
        .set(...asPartner)
        .expect(200),
      'get',
      '/v1/partner/tips/{id}',
    );
    expectDocumented(
      await request(t.server)
        .get(`/v1/partner/tips/${randomUUID()}`)
        .set(...asPartner)
        .expect(404),
      'get',
      '/v1/partner/tips/{id}',
    );
    expectDocumented(
      await request(t.server)
        .get('/v1/partner/usage')
        .set(...asPartner)
        .expect(200),
      'get',
      '/v1/partner/usage',
    );
  });

  it('audit: events and verification', async () => {
    expectDocumented(
      await request(t.server)
        .get('/v1/audit/events')
        .set(...bearer(auditor))
        .expect(200),
      'get',
      '/v1/audit/events',
    );
    expectDocumented(
      await request(t.server)
        .get('/v1/audit/events?cursor=x')
        .set(...bearer(auditor))
        .expect(400),
      'get',
      '/v1/audit/events',
    );
    expectDocumented(
      await request(t.server)
        .get('/v1/audit/verify')
        .set(...bearer(auditor))
        .expect(200),
      'get',
      '/v1/audit/verify',
    );
  });

  it('exports and webhooks', async () => {
    const id = await tipIdOf(reference);
    expectDocumented(
      await request(t.server)
        .post(`/v1/triage/tips/${id}/exports`)
        .set(...bearer(analyst))
        .send(exampleOf('post', '/v1/triage/tips/{id}/exports', 'file'))
        .expect(201),
      'post',
      '/v1/triage/tips/{id}/exports',
    );
    // An address literal: no name to resolve (tests reach no network).
    const created = await request(t.server)
      .post('/v1/admin/webhooks')
      .set(...bearer(admin))
      .send({ url: 'https://203.0.113.10/tipline', eventTypes: ['tip.received'], format: 'thin' })
      .expect(201);
    expectDocumented(created, 'post', '/v1/admin/webhooks');
    const hook = created.body.id as string;
    expectDocumented(
      await request(t.server)
        .get('/v1/admin/webhooks')
        .set(...bearer(admin))
        .expect(200),
      'get',
      '/v1/admin/webhooks',
    );
    expectDocumented(
      await request(t.server)
        .patch(`/v1/admin/webhooks/${hook}`)
        .set(...bearer(admin))
        .send(exampleOf('patch', '/v1/admin/webhooks/{id}', 'rotate'))
        .expect(200),
      'patch',
      '/v1/admin/webhooks/{id}',
    );
    expectDocumented(
      await request(t.server)
        .patch(`/v1/admin/webhooks/${EX_UNKNOWN}`)
        .set(...bearer(admin))
        .send({ enabled: false })
        .expect(404),
      'patch',
      '/v1/admin/webhooks/{id}',
    );
    expectDocumented(
      await request(t.server)
        .post(`/v1/admin/webhooks/${hook}/test`)
        .set(...bearer(admin))
        .expect(204),
      'post',
      '/v1/admin/webhooks/{id}/test',
    );
    const deliveries = await request(t.server)
      .get(`/v1/admin/webhooks/${hook}/deliveries`)
      .set(...bearer(admin))
      .expect(200);
    expectDocumented(deliveries, 'get', '/v1/admin/webhooks/{id}/deliveries');
    expectDocumented(
      await request(t.server)
        .post(`/v1/admin/webhooks/${hook}/deliveries/${deliveries.body.deliveries[0].id}/resend`)
        .set(...bearer(admin))
        .expect(202),
      'post',
      '/v1/admin/webhooks/{id}/deliveries/{deliveryId}/resend',
    );
  });

  it('serves the live document at /docs-json outside production', async () => {
    const live = await request(t.server).get('/docs-json').expect(200);
    expect(live.body.openapi).toBe('3.0.3');
  });

  it('serves Swagger UI at /docs outside production, with a CSP that lets it run and nothing else', async () => {
    const page = await request(t.server).get('/docs').redirects(1).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy'] ?? '');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    for (const asset of ['/docs/swagger-ui-init.js', '/docs/swagger-ui-bundle.js']) {
      await request(t.server).get(asset).expect(200);
    }
    const api = await request(t.server).get('/v1/intake-keys').expect(200);
    expect(api.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
  });

  it('has exercised every documented operation with a documented success', () => {
    const missing = Object.values(DOCUMENT.paths)
      .flatMap((item) => Object.values(item))
      .map((operation) => operation.operationId)
      .filter((id) => ![...(seen.get(id) ?? [])].some((status) => status < 300))
      .sort();
    expect(missing).toEqual([]);
  });
});

// Production is only reachable through the built service (it refuses test settings).
describe('Swagger UI in production (the built service)', () => {
  let keyPath: string;
  beforeAll(async () => {
    keyPath = (await makeTestKey()).publicKeyPath;
  });

  it('is not served in production', async () => {
    const service = await startService(
      testServiceEnv(keyPath, {
        NODE_ENV: 'production',
        BACKGROUND_JOBS: 'false',
        ENCRYPTION_THREADS: '0',
      }),
    );
    try {
      for (const path of ['/docs', '/docs/', '/docs-json', '/docs/swagger-ui-init.js']) {
        expect({ path, status: (await fetch(new URL(path, service.url))).status }).toEqual({
          path,
          status: 404,
        });
      }
    } finally {
      await service.stop();
    }
  });
});
