#!/usr/bin/env node
// Writes openapi/openapi.json, the OpenAPI document of the BUILT application
// (run `npm run build` first). With --check, writes nothing and exits 1 when
// the checked-in file differs from a freshly generated one.
//
// The Nest application is created in preview mode: the module graph and the
// controllers' metadata are read, no provider is instantiated, so no database,
// key or secret is needed. The environment is ignored: the output depends on
// the code only (sorted keys, no timestamps).
import 'reflect-metadata';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'openapi', 'openapi.json');
const args = process.argv.slice(2);
const check = args.includes('--check');
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`usage: node scripts/openapi.mjs [--check]   (unknown: ${unknown.join(' ')})`);
  process.exit(2);
}

async function fromDist(path) {
  try {
    return await import(pathToFileURL(join(root, 'dist', 'src', path)).href);
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND') {
      console.error(`dist/src/${path} is missing: run \`npm run build\` first.`);
      process.exit(2);
    }
    throw err;
  }
}

async function generate() {
  const { NestFactory } = await import('@nestjs/core');
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const { AppModule } = await fromDist('app.module.js');
  const { loadConfig } = await fromDist('config/environment.js');
  const { IntakeKeyRing } = await fromDist('intake-keys/intake-key-ring.js');
  const { createOpenApiDocument, serializeOpenApi } = await fromDist('common/openapi/document.js');

  // Fixed settings, not process.env: nothing here is ever connected to or read.
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }, root);
  const app = await NestFactory.create(
    AppModule.forRoot({
      config,
      databaseUrl: 'postgres://openapi@127.0.0.1:1/unused',
      keyRing: new IntakeKeyRing([]),
      serverSecret: Buffer.alloc(32),
    }),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    return serializeOpenApi(createOpenApiDocument(app));
  } finally {
    await app.close();
  }
}

/** The first line where two texts differ, for a readable --check failure. */
function firstDifference(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) {
      return `line ${i + 1}:\n  checked in: ${x[i] ?? '(end of file)'}\n  generated:  ${y[i] ?? '(end of file)'}`;
    }
  }
  return '';
}

const fresh = await generate();
const shown = relative(process.cwd(), target) || target;
if (check) {
  const current = await readFile(target, 'utf8').catch((err) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (current === fresh) {
    console.log(`${shown} is up to date.`);
  } else {
    console.error(
      current === null
        ? `${shown} does not exist.`
        : `${shown} is out of date: it differs from the document the code generates, first at ${firstDifference(current, fresh)}`,
    );
    console.error('Run `npm run openapi` and commit the result.');
    process.exitCode = 1;
  }
} else {
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, fresh);
  const operations = Object.values(JSON.parse(fresh).paths).reduce(
    (n, item) => n + Object.keys(item).length,
    0,
  );
  console.log(`${shown} written (${operations} operations).`);
}
