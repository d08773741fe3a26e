import { v5 as uuidv5 } from 'uuid';
import type { IndicatorType } from '../../partners/partner-indicators.dto.js';
import type { Tlp } from '../../tips/tip.entity.js';
import type { TipSummaryDto } from '../../tips/triage/tip-response.dto.js';

/** Namespace of every id derived from a tip id (STIX objects, MISP uuids). */
export const TIPLINE_EXPORT_NAMESPACE = '3f0b0d9e-6a51-4c4e-9a43-9c7b2f6c1d58';

/** Stable across re-exports: the same tip and part always give the same UUID. */
export function stableUuid(tipId: string, part: string): string {
  return uuidv5(`${tipId}/${part}`, TIPLINE_EXPORT_NAMESPACE);
}

export interface ExportIndicator {
  type: IndicatorType;
  value: string;
  description?: string;
}

/** The decrypted envelope, as far as exports read it. */
export interface DecryptedTip {
  reference?: string;
  narrative?: string;
  indicators?: ExportIndicator[];
  partner?: { id: string; name: string };
  classification?: { labels?: string[] };
}

/** What every exporter gets: triage metadata from the API plus the decrypted content. */
export interface TipExportInput {
  tip: Pick<
    TipSummaryDto,
    | 'id'
    | 'reference'
    | 'channel'
    | 'category'
    | 'submitterUrgency'
    | 'receivedAt'
    | 'status'
    | 'priority'
    | 'severity'
    | 'tlp'
    | 'confidence'
    | 'tags'
  >;
  content: DecryptedTip;
  /** Without it no narrative (nor free-text indicator descriptions) leaves the machine. */
  includeNarrative: boolean;
  /** Export time; `modified` of every object. */
  now: Date;
}

export const EXPORT_FORMATS = ['stix', 'misp'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_TARGETS = ['file', 'stdout', 'misp', 'thehive'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export class ExportRefused extends Error {}

/** TLP:RED never leaves by a push: it is for the named recipients only. */
export function assertPushAllowed(tlp: Tlp): void {
  if (tlp === 'red') {
    throw new ExportRefused(
      'refusing to push a TLP:RED tip: lower its TLP first if it may be shared',
    );
  }
}

/** "hxxp://" (defanged) back to "http://", so consumers match the real value. */
export function refang(url: string): string {
  return url.replace(/^hxxp(s?):/i, 'http$1:');
}

/** The partner's indicators, each type and value once. */
export function indicatorsOf(content: DecryptedTip): ExportIndicator[] {
  if (!Array.isArray(content.indicators)) return [];
  const seen = new Set<string>();
  return content.indicators.filter((i) => {
    const key = `${i.type}:${i.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function narrativeOf(input: TipExportInput): string | undefined {
  if (!input.includeNarrative) return undefined;
  const n = input.content.narrative;
  return typeof n === 'string' && n.trim() !== '' ? n : undefined;
}
