/**
 * STIX 2.1 bundles of one tip. No maintained STIX builder exists on the npm
 * registry, so the few object types we emit are built here and checked in
 * tests against the OASIS JSON schemas.
 */
import { randomUUID } from 'node:crypto';
import type { IndicatorType } from '../../partners/partner-indicators.dto.js';
import type { Tlp } from '../../tips/tip.entity.js';
import {
  ExportRefused,
  indicatorsOf,
  narrativeOf,
  refang,
  stableUuid,
  type ExportIndicator,
  type TipExportInput,
} from './tip-export.js';

export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The official TLP 2.0 extension definition (oasis-open/cti-stix-common-objects). */
export const TLP2_EXTENSION_DEFINITION = {
  id: TLP2_EXTENSION_ID,
  type: 'extension-definition',
  spec_version: '2.1',
  name: 'TLP 2.0',
  description: 'This defines TLP 2.0 as a STIX extension',
  created: '2022-10-01T00:00:00.000Z',
  modified: '2022-10-01T00:00:00.000Z',
  created_by_ref: 'identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01',
  schema:
    'https://github.com/oasis-open/cti-stix-common-objects/tree/master/extension-definition-specifications/tlp-2.0',
  version: '1.0.0',
  extension_types: ['property-extension'],
} as const;

/** The fixed TLP 2.0 marking definitions. */
export const TLP2_MARKING_IDS: Record<Tlp, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export function tlpMarkingDefinition(tlp: Tlp) {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp },
    },
  };
}

/** A string literal inside a STIX pattern: `'` and `\` escaped. */
export function patternString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const PATTERN_PATHS: Partial<Record<IndicatorType, string>> = {
  ipv4: 'ipv4-addr:value',
  ipv6: 'ipv6-addr:value',
  domain: 'domain-name:value',
  url: 'url:value',
  email: 'email-addr:value',
  md5: 'file:hashes.MD5',
  sha1: "file:hashes.'SHA-1'",
  sha256: "file:hashes.'SHA-256'",
  sha512: "file:hashes.'SHA-512'",
};

const HASH_TYPES = new Set<IndicatorType>(['md5', 'sha1', 'sha256', 'sha512']);

/** The STIX pattern of an indicator, or undefined for types STIX patterns cannot express. */
export function stixPattern(indicator: ExportIndicator): string | undefined {
  const path = PATTERN_PATHS[indicator.type];
  if (path === undefined) return undefined;
  let value = indicator.value.trim();
  if (indicator.type === 'url') value = refang(value);
  if (HASH_TYPES.has(indicator.type)) value = value.toLowerCase();
  return `[${path} = ${patternString(value)}]`;
}

/** RFC 3339 with milliseconds, as STIX timestamps. */
function timestamp(date: Date): string {
  return date.toISOString();
}

const CLOSED_STATUSES = new Set(['actioned', 'no_action', 'closed']);

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: Array<Record<string, unknown> & { type: string; id: string }>;
}

/**
 * An open tip as a `grouping` (context suspicious-activity), an actioned or
 * closed one as a `report`; indicators with STIX patterns; the narrative as a
 * `note` only when included. Object ids derive from the tip id, so a
 * re-export keeps them and only `modified` moves on.
 */
export function buildStixBundle(input: TipExportInput): StixBundle {
  const { tip } = input;
  const created = timestamp(new Date(tip.receivedAt));
  const nowMs = Math.max(input.now.getTime(), new Date(tip.receivedAt).getTime());
  const modified = timestamp(new Date(nowMs));
  const marking = TLP2_MARKING_IDS[tip.tlp];
  const common = {
    spec_version: '2.1',
    created,
    modified,
    object_marking_refs: [marking],
    ...(tip.confidence !== null ? { confidence: tip.confidence } : {}),
  };
  const external = [
    { source_name: 'tipline', external_id: tip.reference, description: 'Tipline tip reference' },
  ];
  const isReport = CLOSED_STATUSES.has(tip.status);
  const containerId = `${isReport ? 'report' : 'grouping'}--${stableUuid(tip.id, 'stix/container')}`;

  const indicators: Array<Record<string, unknown> & { type: string; id: string }> = [];
  for (const ind of indicatorsOf(input.content)) {
    const pattern = stixPattern(ind);
    if (pattern === undefined) continue;
    indicators.push({
      type: 'indicator',
      id: `indicator--${stableUuid(tip.id, `stix/indicator/${ind.type}:${ind.value}`)}`,
      ...common,
      name: `${ind.type} ${ind.value}`,
      ...(input.includeNarrative && ind.description ? { description: ind.description } : {}),
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: created,
      external_references: external,
    });
  }

  const narrative = narrativeOf(input);
  const note =
    narrative !== undefined
      ? {
          type: 'note',
          id: `note--${stableUuid(tip.id, 'stix/note/narrative')}`,
          ...common,
          abstract: `Narrative of ${tip.reference}`,
          content: narrative,
          object_refs: [containerId],
          external_references: external,
        }
      : undefined;

  const refs = [...indicators.map((i) => i.id), ...(note ? [note.id] : [])];
  if (refs.length === 0) {
    throw new ExportRefused(
      'nothing to put in a STIX bundle: the tip has no indicators STIX can express; add --include-narrative to export its narrative',
    );
  }
  const name = `${tip.reference}: ${tip.category} tip`;
  const description = `Tipline ${tip.channel} tip, category ${tip.category}, submitter urgency ${tip.submitterUrgency}, priority ${tip.priority}, status ${tip.status}.`;
  const labels = [...new Set([tip.category, ...tip.tags])];
  const container = isReport
    ? {
        type: 'report',
        id: containerId,
        ...common,
        name,
        description,
        report_types: ['threat-report'],
        published: modified,
        labels,
        object_refs: refs,
        external_references: external,
      }
    : {
        type: 'grouping',
        id: containerId,
        ...common,
        name,
        description,
        context: 'suspicious-activity',
        labels,
        object_refs: refs,
        external_references: external,
      };

  return {
    type: 'bundle',
    id: `bundle--${randomUUID()}`,
    objects: [
      TLP2_EXTENSION_DEFINITION,
      tlpMarkingDefinition(tip.tlp),
      container,
      ...indicators,
      ...(note ? [note] : []),
    ],
  };
}
