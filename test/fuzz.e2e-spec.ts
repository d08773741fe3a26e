import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { STAFF_ROLES, type StaffRole } from '../src/common/auth/roles.js';
import { startTestApp, type TestApp } from './support/app.js';
import { makeTestKey } from './support/keys.js';
import { accountOfEveryRole, issueSession } from './support/staff.js';
import { partnerToken } from './support/partners.js';

/**
 * Property-based fuzzing of every operation of openapi/openapi.json, with
 * valid and broken credentials, schema-shaped and hostile inputs. Fails on a
 * 5xx, a 4xx outside our error shape, a missing security header, or a row
 * stored by a rejected request. Fixed seed, bounded count.
 */

const SEED = 1313;
const TOTAL_CASES = 5200;

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
};

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  json?: Schema;
  multipart?: { field: string };
  security: 'none' | 'staff' | 'partner' | 'metrics';
}

const doc = JSON.parse(
  readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'),
) as {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content: Record<string, { schema: Schema }> };
        security?: Array<Record<string, unknown>>;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 20; i++) {
    s = doc.components.schemas[s.$ref.split('/').pop()!]!;
  }
  if (s.allOf?.length === 1) return { ...resolve(s.allOf[0]!), ...s, allOf: undefined };
  return s;
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '%00',
    '../../etc/passwd',
    "' OR 1=1 --",
    '\uD800',
    '𝕏'.repeat(50),
    'x'.repeat(5000),
    '99999999999999999999',
    '-1',
    '1e309',
    '__proto__',
    'constructor',
    '<script>',
  ),
);

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.constantFrom(null, true, -1, 0, 2 ** 31, 2 ** 53, -(2 ** 63), 1.5, 1e308, [], {}),
);

/** Values shaped by the schema (mostly valid), sometimes broken. */
function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => fromSchema(a, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  let valid: fc.Arbitrary<unknown>;
  if (s.enum) valid = fc.constantFrom(...s.enum);
  else if (type === 'string') {
    if (s.format === 'uuid') valid = fc.uuid();
    else if (s.format === 'date-time')
      valid = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
    else
      valid = fc.string({
        minLength: Math.min(s.minLength ?? 0, 50),
        maxLength: Math.max(Math.min(s.maxLength ?? 60, 60), Math.min(s.minLength ?? 0, 50)),
      });
  } else if (type === 'integer')
    valid = fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1000 });
  else if (type === 'number')
    valid = fc.double({ min: s.minimum ?? -10, max: s.maximum ?? 1000, noNaN: true });
  else if (type === 'boolean') valid = fc.boolean();
  else if (type === 'array')
    valid =
      depth > 4
        ? fc.constant([])
        : fc.array(fromSchema(s.items ?? {}, depth + 1), {
            maxLength: Math.min(s.maxItems ?? 3, 3),
          });
  else if (type === 'object' || s.properties) {
    const props = s.properties ?? {};
    const required = new Set(s.required ?? []);
    const entries = Object.fromEntries(
      Object.entries(props).map(([k, v]) => [
        k,
        depth > 4 ? fc.constant(null) : fromSchema(v, depth + 1),
      ]),
    );
    valid = fc.record(entries, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
  } else valid = hostileJson;
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostileJson });
}

/** A whole body: schema-shaped, schema-shaped plus an unknown key, or plain hostile. */
function body(schema: Schema | undefined): fc.Arbitrary<unknown> {
  const shaped = schema ? fromSchema(schema) : hostileJson;
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    {
      weight: 1,
      arbitrary: fc
        .tuple(shaped, fc.string({ maxLength: 12 }), hostileJson)
        .map(([v, k, x]) =>
          v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...v, [`x${k}`]: x } : v,
        ),
    },
    { weight: 1, arbitrary: hostileJson },
  );
}

/** encodeURIComponent, with lone surrogates replaced (they cannot be encoded). */
function enc(value: string): string {
  return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
}

const RAW_SEGMENTS = ['%ff', '%00', '%2e%2e', 'L'.repeat(300), '%E0%A4%A', '%'];

function pathValue(p: Parameter): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fromSchema(p.schema ?? { type: 'string' }).map((v) => enc(String(v)) || 'x'),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

function operations(): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const sec = op.security?.[0] ? Object.keys(op.security[0])[0] : 'none';
      const multipart = content['multipart/form-data']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        json: content['application/json']?.schema,
        multipart: multipart
          ? { field: Object.keys(resolve(multipart).properties ?? {}).find((k) => k !== 'file')! }
          : undefined,
        security: sec as Operation['security'],
      });
    }
  }
  return ops;
}

type Caller = StaffRole | 'anonymous' | 'partner' | 'broken-staff' | 'broken-partner' | 'garbage';
const CALLERS: Caller[] = [
  ...STAFF_ROLES,
  'anonymous',
  'partner',
  'broken-staff',
  'broken-partner',
  'garbage',
];

interface Case {
  caller: Caller;
  path: string;
  query: string;
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; value: string; type: string }
    | { kind: 'multipart'; value: unknown; files: number };
  idempotencyKey?: string;
}

function caseFor(op: Operation): fc.Arbitrary<Case> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(...pathParams.map(pathValue)).map((values) => {
    let out = op.path;
    pathParams.forEach((p, i) => (out = out.replace(`{${p.name}}`, values[i]!)));
    return out;
  });
  const queryArb = fc
    .array(
      fc.tuple(
        fc.oneof(
          {
            weight: 4,
            arbitrary: queryParams.length
              ? fc.constantFrom(...queryParams.map((p) => p.name))
              : fc.string({ maxLength: 8 }),
          },
          { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
        ),
        fc.oneof(
          ...(queryParams.length
            ? queryParams.map((p) => fromSchema(p.schema ?? {}).map(String))
            : [fc.string()]),
          hostileString,
        ),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'));
  const bodies: Array<fc.Arbitrary<Case['body']>> = [fc.constant({ kind: 'none' as const })];
  if (op.json || op.method !== 'GET') {
    bodies.push(body(op.json).map((value) => ({ kind: 'json' as const, value })));
    bodies.push(
      fc
        .tuple(
          fc.oneof(
            fc.constantFrom('{"a":', '[1,2', '{"__proto__":{"x":1}}', 'null', '"\\u0000"'),
            fc
              .integer({ min: 200, max: 3000 })
              .map((n) => '{"a":' + '['.repeat(n) + ']'.repeat(n) + '}'),
            fc.string({ maxLength: 50 }),
          ),
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data',
            'multipart/form-data; boundary=zz',
            'application/json; charset=latin1',
          ),
        )
        .map(([value, type]) => ({ kind: 'raw' as const, value, type })),
    );
  }
  if (op.multipart) {
    bodies.push(
      fc
        .tuple(body(op.json), fc.integer({ min: 0, max: 2 }))
        .map(([value, files]) => ({ kind: 'multipart' as const, value, files })),
    );
  }
  const wantsIdempotency = op.parameters.some(
    (p) => p.in === 'header' && p.name === 'Idempotency-Key',
  );
  return fc.record({
    caller: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constant(
          op.security === 'partner' ? 'partner' : op.security === 'staff' ? 'analyst' : 'anonymous',
        ),
      },
      { weight: 3, arbitrary: fc.constantFrom(...CALLERS) },
    ),
    path: pathArb,
    query: queryArb,
    body: fc.oneof(...bodies),
    idempotencyKey: wantsIdempotency
      ? fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }))
      : fc.constant(undefined),
  });
}

const STORED_TABLES = [
  'tip',
  'note',
  'message',
  'attachment',
  'attachment_chunk',
  'analyst',
  'session',
  'partner',
  'api_key',
  'partner_signing_key',
  'intake_key',
  // Not idempotency_record: a partner's definite refusal is kept for its retries by design
  // (the IETF draft), as a request hash and our error body, nothing of the request.
];

function shapeProblem(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const b = parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  if (parsed === null || typeof parsed !== 'object' || Object.keys(parsed).join() !== 'error')
    return 'not {error}';
  const e = b.error!;
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return 'no code or message';
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length > 0) return `extra keys ${extra.join()}`;
  if (e.details !== undefined) {
    if (!Array.isArray(e.details)) return 'details not an array';
    for (const d of e.details as Array<Record<string, unknown>>) {
      if (typeof d.problem !== 'string') return 'detail without problem';
    }
  }
  return null;
}

describe('fuzzing every operation of the OpenAPI document', () => {
  let t: TestApp;
  let ds: DataSource;
  let userIds: Map<StaffRole, string>;
  let partnerKey: string;

  beforeAll(async () => {
    t = await startTestApp([(await makeTestKey()).publicKeyPath]);
    ds = t.app.get(DataSource);
    userIds = await accountOfEveryRole(t, 'fuzz');
    partnerKey = await partnerToken(t, {
      name: 'fuzz',
      requestsPerMinute: 100_000,
      tipsPerDay: 10_000_000,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function stored(): Promise<number> {
    const [row] = await ds.query<Array<{ n: string }>>(
      `SELECT ${STORED_TABLES.map((table) => `(SELECT count(*) FROM ${table})`).join(' + ')} AS n`,
    );
    return Number(row!.n);
  }

  async function authorization(caller: Caller): Promise<string | undefined> {
    switch (caller) {
      case 'anonymous':
        return undefined;
      case 'partner':
        return `Bearer ${partnerKey}`;
      case 'broken-staff':
        return 'Bearer tps_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      case 'broken-partner':
        return `Bearer ${partnerKey.slice(0, -3)}xyz`;
      case 'garbage':
        return 'Basic \u00ff\u00fe';
      default: {
        // Reissue: a fuzzed request may have logged this session out.
        return `Bearer ${await issueSession(t, userIds.get(caller)!)}`;
      }
    }
  }

  function multipart(
    field: string,
    value: unknown,
    files: number,
  ): { payload: Buffer; type: string } {
    const boundary = 'fuzzboundary';
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${JSON.stringify(value)}\r\n`,
    ];
    for (let i = 0; i < files; i++) {
      parts.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f${i}.bin"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\nfile ${i}\r\n`,
      );
    }
    parts.push(`--${boundary}--\r\n`);
    return {
      payload: Buffer.from(parts.join('')),
      type: `multipart/form-data; boundary=${boundary}`,
    };
  }

  it(`answers ${TOTAL_CASES}+ generated requests without a 5xx, in our shape, with our headers, storing nothing when refusing`, async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    const perOp = Math.ceil(TOTAL_CASES / ops.length);
    const fastify = t.app.getHttpAdapter().getInstance();
    let cases = 0;
    const statuses = new Map<number, number>();
    for (const [i, op] of ops.entries()) {
      await fc.assert(
        fc.asyncProperty(caseFor(op), async (c) => {
          cases++;
          const headers: Record<string, string> = {};
          const auth = await authorization(c.caller);
          if (auth !== undefined) headers.authorization = auth;
          if (c.idempotencyKey !== undefined) headers['idempotency-key'] = c.idempotencyKey;
          let payload: string | Buffer | undefined;
          if (c.body.kind === 'json') {
            payload = JSON.stringify(c.body.value) ?? 'null';
            headers['content-type'] = 'application/json';
          } else if (c.body.kind === 'raw') {
            payload = c.body.value;
            headers['content-type'] = c.body.type;
          } else if (c.body.kind === 'multipart' && op.multipart) {
            const m = multipart(op.multipart.field, c.body.value, c.body.files);
            payload = m.payload;
            headers['content-type'] = m.type;
          }
          const before = await stored();
          const res = await fastify.inject({
            method: op.method as 'GET',
            url: c.query ? `${c.path}?${c.query}` : c.path,
            headers,
            payload,
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const where = `${op.method} ${op.path} as ${c.caller} -> ${res.statusCode}`;
          if (res.statusCode >= 500) throw new Error(`${where}: ${res.body.slice(0, 300)}`);
          for (const h of [
            'content-security-policy',
            'x-content-type-options',
            'referrer-policy',
            'strict-transport-security',
            'cross-origin-resource-policy',
          ]) {
            if (res.headers[h] === undefined) throw new Error(`${where}: no ${h}`);
          }
          if (res.headers['cache-control'] !== 'no-store')
            throw new Error(`${where}: cache-control`);
          if (res.statusCode >= 400) {
            const problem = shapeProblem(res.body);
            if (problem) throw new Error(`${where}: ${problem}: ${res.body.slice(0, 300)}`);
            const after = await stored();
            if (after !== before) throw new Error(`${where}: stored ${after - before} row(s)`);
          }
        }),
        { seed: SEED + i, numRuns: perOp, endOnFailure: true },
      );
    }
    expect(cases).toBeGreaterThanOrEqual(TOTAL_CASES);
    // Not only refusals: generated requests also get through.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    process.stdout.write(
      `fuzz: ${cases} cases over ${ops.length} operations; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    );
  }, 300_000);
});
