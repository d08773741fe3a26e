import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

const ROOT = resolve(import.meta.dirname, '../fixtures/stix2.1');
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas';

// The schemas use non-unicode regular expressions (`\\-`), hence unicodeRegExp: false.
function loadSchemas(): InstanceType<typeof Ajv2020> {
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  // ajv-formats has no idn-hostname; the domain-name schema asks for it.
  ajv.addFormat('idn-hostname', true);
  for (const dir of ['common', 'sdos', 'sros', 'observables']) {
    for (const file of readdirSync(join(ROOT, 'schemas', dir))) {
      if (file.endsWith('.json')) {
        ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', dir, file), 'utf8')));
      }
    }
  }
  // bundle.json's object list lacks grouping, note and extension-definition, and
  // its custom-object branch matches both core schemas (so its oneOf fails): the
  // envelope is checked by bundle.json without its items rule, and each object
  // by the schema of its own type, as the OASIS validator does.
  const bundle = JSON.parse(
    readFileSync(join(ROOT, 'schemas', 'common', 'bundle.json'), 'utf8'),
  ) as { $id: string; properties: { objects: { items?: unknown } } };
  bundle.$id = `${BASE}/common/bundle-envelope.json`;
  delete bundle.properties.objects.items;
  ajv.addSchema(bundle);
  return ajv;
}

let ajv: InstanceType<typeof Ajv2020> | undefined;

const SCHEMA_OF: Record<string, string> = {
  bundle: 'common/bundle-envelope.json',
  'marking-definition': 'common/marking-definition.json',
  'extension-definition': 'common/extension-definition.json',
};

/** Schema errors of a bundle and of each of its objects (by the OASIS schemas); [] when valid. */
export function stixSchemaErrors(bundle: {
  objects: Array<{ type: string; id: string }>;
}): string[] {
  ajv ??= loadSchemas();
  const errors: string[] = [];
  const check = (id: string, value: unknown, label: string): void => {
    const validate = ajv!.getSchema(`${BASE}/${id}`);
    if (!validate) throw new Error(`no schema ${id}`);
    if (!validate(value)) {
      for (const e of validate.errors ?? [])
        errors.push(`${label}${e.instancePath} ${e.message ?? ''}`);
    }
  };
  check(SCHEMA_OF.bundle!, bundle, 'bundle');
  for (const o of bundle.objects) {
    check(SCHEMA_OF[o.type] ?? `sdos/${o.type}.json`, o, o.id);
  }
  return errors;
}

/** The official TLP 2.0 extension definition and marking definitions (OASIS). */
export function officialTlpObjects(): Array<Record<string, unknown> & { id: string }> {
  return JSON.parse(readFileSync(join(ROOT, 'tlp-2.0', 'official-objects.json'), 'utf8')) as Array<
    Record<string, unknown> & { id: string }
  >;
}

const STRING = String.raw`'(?:[^'\\]|\\['\\])*'`;
const PATH = String.raw`(?:(?:ipv4-addr|ipv6-addr|domain-name|url|email-addr):value|file:hashes\.(?:MD5|'SHA-1'|'SHA-256'|'SHA-512'))`;
const COMPARISON = new RegExp(String.raw`^\[(${PATH}) = (${STRING})\]$`);

/**
 * Parses the patterns we emit (one comparison of an object path with a
 * string literal, STIX 2.1 grammar) and returns the path and the unescaped
 * value, or undefined when the pattern is not well formed.
 */
export function parseStixPattern(pattern: string): { path: string; value: string } | undefined {
  const m = COMPARISON.exec(pattern);
  if (!m) return undefined;
  const literal = m[2]!.slice(1, -1).replace(/\\(['\\])/g, '$1');
  return { path: m[1]!, value: literal };
}

/** STIX timestamps compare as instants. */
export function notBefore(later: string, earlier: string): boolean {
  return new Date(later).getTime() >= new Date(earlier).getTime();
}
