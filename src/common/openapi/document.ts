import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ACCESS_EXTENSION, type Access } from '../auth/access.decorators.js';
import { ErrorBody } from '../error-body.js';

/** The contract's version: bump it when the v1 API changes in a way partners should notice. */
export const OPENAPI_INFO_VERSION = '1.0.0';

/** Tags in the order a reader meets them; every controller declares one with @ApiTags. */
export const OPENAPI_TAGS: readonly { name: string; description: string }[] = [
  {
    name: 'intake',
    description: 'Anonymous tip submission, encrypted with OpenPGP on arrival.',
  },
  {
    name: 'follow-ups',
    description: 'Submitters come back with their receipt: status, replies, more information.',
  },
  { name: 'intake-keys', description: 'The public keys every tip is encrypted to.' },
  {
    name: 'partner',
    description:
      'The partner API: tips from partner systems with an API key (`partner` scheme), ' +
      'idempotent by `Idempotency-Key`, optionally signed.',
  },
  { name: 'auth', description: 'Staff sessions: login (password and TOTP), logout, password.' },
  { name: 'triage', description: "The analysts' queue, notes, replies and ciphertext." },
  { name: 'admin-users', description: 'Staff accounts (admins).' },
  { name: 'admin-intake-keys', description: 'Intake key administration (admins).' },
  {
    name: 'admin-approvals',
    description: 'What waits for a second person: role grants and intake keys (leads, admins).',
  },
  { name: 'admin-partners', description: 'Partners, their API keys and signing keys (admins).' },
  { name: 'admin-webhooks', description: 'Webhook endpoints and their deliveries (admins).' },
  { name: 'audit', description: 'The hash-chained audit trail (auditors).' },
  { name: 'health', description: 'Liveness and readiness probes, metrics.' },
];

const DESCRIPTION = `Tipline receives threat tips (terrorism, espionage, foreign interference,
cyber attacks, proliferation) from the public and from partner organisations. Every payload
is encrypted with OpenPGP on arrival; the server stores ciphertext and triage metadata only.

**Errors** have one shape everywhere: \`{"error": {"code", "message", "details"?}}\` (schema
\`ErrorBody\`). Branch on \`code\`. Messages never echo what was submitted.

**Authentication**: staff routes take a session token from \`POST /v1/auth/sessions\`
(\`staff\` scheme); partner routes take an API key \`tpk_<id>_<secret>\` (\`partner\` scheme).
Each operation says which roles or scope it needs.

Request bodies are \`application/json\` (at most 1 MiB, unknown fields refused) unless an
operation says otherwise.`;

function openApiConfig(): Omit<OpenAPIObject, 'paths'> {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.0.3')
    .setTitle('Tipline API')
    .setDescription(DESCRIPTION)
    .setVersion(OPENAPI_INFO_VERSION)
    .addServer('https://{host}', 'Your Tipline deployment', {
      host: { default: 'tipline.example', description: 'Host name (and port) of the service' },
    })
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'tps_...',
        description:
          'Staff session: the opaque `token` (`tps_...`) returned by `POST /v1/auth/sessions`. ' +
          'Ends after 8 h, or 30 min without use.',
      },
      'staff',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'tpk_<id>_<secret>',
        description:
          'Partner API key `tpk_<id>_<secret>`, created by an admin and shown once. ' +
          'Each key holds scopes (`tips:submit`, `tips:read`) and a requests-per-minute limit.',
      },
      'partner',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'METRICS_TOKEN',
        description: "The operators' METRICS_TOKEN, for Prometheus scrapers (`GET /metrics`).",
      },
      'metrics',
    );
  for (const tag of OPENAPI_TAGS) builder.addTag(tag.name, tag.description);
  const config = builder.build();
  // Who runs the service depends on the deployment: no made-up URL or address.
  config.info.contact = { name: 'The operators of your Tipline deployment' };
  return config;
}

function describeAccess(access: Access): string {
  if (access.kind === 'public') return '**Access:** public, no credentials.';
  if (access.kind === 'partner') {
    return `**Access:** partner API key (\`partner\` scheme) with the scope \`${access.scope}\`.`;
  }
  if (access.kind === 'metrics') {
    return (
      "**Access:** the operators' METRICS_TOKEN (`metrics` scheme) when it is set; " +
      'without it, open in development and absent (`404`) in production.'
    );
  }
  const roles = access.roles.map((r) => `\`${r}\``);
  const who = roles.length === 1 ? `the role ${roles[0]}` : `one of the roles ${roles.join(', ')}`;
  return (
    `**Access:** staff session (\`staff\` scheme) with ${who}.` +
    (access.duringPasswordChange ? ' Also allowed before a one-time password is replaced.' : '')
  );
}

type Operation = {
  description?: string;
  responses?: Record<string, unknown>;
  [ACCESS_EXTENSION]?: Access;
};

/** Any route can fail unexpectedly; the global filter still answers in the one error shape. */
const INTERNAL_ERROR = {
  description: 'Internal error (`internal`): nothing about the cause is disclosed.',
  content: {
    'application/json': {
      schema: { $ref: getSchemaPath(ErrorBody) },
      example: { error: { code: 'internal', message: 'Internal error.' } },
    },
  },
};

/**
 * The OpenAPI document of the application's controllers. Works on an
 * application created with `preview: true` (nothing instantiated, no database).
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, openApiConfig(), {
    // Stable, readable ids: `<Controller without "Controller">_<method>`.
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
    // Every controller names its tag; an untagged one shows up in the lint.
    autoTagControllers: false,
  });
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      if (typeof operation !== 'object' || operation === null) continue;
      operation.responses = { ...operation.responses, 500: structuredClone(INTERNAL_ERROR) };
      const access = operation[ACCESS_EXTENSION];
      if (access === undefined) continue;
      operation.description = [operation.description, describeAccess(access)]
        .filter((part) => part !== undefined && part !== '')
        .join('\n\n');
    }
  }
  closeRequestSchemas(document);
  return document;
}

/**
 * Request bodies refuse unknown fields (`400 validation_failed`): their object
 * schemas, and the ones they reference, say so with `additionalProperties: false`.
 */
function closeRequestSchemas(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const closed = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples') continue;
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        const schema = schemas[name];
        if (schema === undefined || closed.has(name)) continue;
        closed.add(name);
        if (schema.type === 'object' && schema.properties !== undefined) {
          schema.additionalProperties = false;
        }
        visit(schema);
      } else {
        visit(value);
      }
    }
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { requestBody?: unknown }>)) {
      if (typeof operation === 'object' && operation !== null) visit(operation.requestBody);
    }
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** Deterministic JSON: keys sorted at every level, 2-space indent, trailing newline. */
export function serializeOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}
