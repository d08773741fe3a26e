/** MISP core-format events (the JSON `POST /events/add` takes) of one tip. */
import type { IndicatorType } from '../../partners/partner-indicators.dto.js';
import type { TipStatus } from '../../tips/tip.entity.js';
import {
  indicatorsOf,
  narrativeOf,
  refang,
  stableUuid,
  type TipExportInput,
} from './tip-export.js';

interface MispAttributeType {
  type: string;
  category: string;
  toIds: boolean;
}

const ATTRIBUTE_TYPES: Record<IndicatorType, MispAttributeType> = {
  ipv4: { type: 'ip-dst', category: 'Network activity', toIds: true },
  ipv6: { type: 'ip-dst', category: 'Network activity', toIds: true },
  domain: { type: 'domain', category: 'Network activity', toIds: true },
  url: { type: 'url', category: 'Network activity', toIds: true },
  email: { type: 'email', category: 'Network activity', toIds: true },
  md5: { type: 'md5', category: 'Payload delivery', toIds: true },
  sha1: { type: 'sha1', category: 'Payload delivery', toIds: true },
  sha256: { type: 'sha256', category: 'Payload delivery', toIds: true },
  sha512: { type: 'sha512', category: 'Payload delivery', toIds: true },
  phone: { type: 'phone-number', category: 'Other', toIds: false },
  'btc-address': { type: 'btc', category: 'Financial fraud', toIds: true },
  'eth-address': { type: 'text', category: 'Financial fraud', toIds: false },
  text: { type: 'text', category: 'Other', toIds: false },
};

/** Our severity 1 (worst) .. 4 onto MISP's 1 High, 2 Medium, 3 Low, 4 Undefined. */
export function mispThreatLevel(severity: number | null): '1' | '2' | '3' | '4' {
  if (severity === null) return '4';
  return severity <= 1 ? '1' : severity === 2 ? '2' : '3';
}

/** MISP analysis: 0 initial, 1 ongoing, 2 completed. */
export function mispAnalysis(status: TipStatus): '0' | '1' | '2' {
  if (status === 'new') return '0';
  if (status === 'triaging' || status === 'escalated') return '1';
  return '2';
}

export interface MispEvent {
  Event: Record<string, unknown> & { uuid: string; Attribute: Array<Record<string, unknown>> };
}

/**
 * `uuid` derives from the tip id (kept across exports), distribution 0 (this
 * organisation only) unless the receiving MISP changes it; the narrative is
 * an EventReport only when included.
 */
export function buildMispEvent(input: TipExportInput): MispEvent {
  const { tip } = input;
  const timestamp = String(Math.floor(input.now.getTime() / 1000));
  const attributes = indicatorsOf(input.content).map((ind) => {
    const t = ATTRIBUTE_TYPES[ind.type];
    const value = ind.type === 'url' ? refang(ind.value.trim()) : ind.value.trim();
    return {
      uuid: stableUuid(tip.id, `misp/attribute/${ind.type}:${ind.value}`),
      type: t.type,
      category: t.category,
      value,
      to_ids: t.toIds,
      distribution: '5',
      ...(input.includeNarrative && ind.description ? { comment: ind.description } : {}),
      timestamp,
    };
  });
  const narrative = narrativeOf(input);
  const tags = [
    { name: `tlp:${tip.tlp}` },
    { name: `tipline:category="${tip.category}"` },
    { name: `tipline:priority="${tip.priority}"` },
    ...tip.tags.map((t) => ({ name: t })),
  ];
  return {
    Event: {
      uuid: stableUuid(tip.id, 'misp/event'),
      info: `${tip.reference}: ${tip.category} tip (${tip.submitterUrgency})`,
      date: tip.receivedAt.slice(0, 10),
      threat_level_id: mispThreatLevel(tip.severity),
      analysis: mispAnalysis(tip.status),
      distribution: '0',
      published: false,
      timestamp,
      Attribute: attributes,
      Tag: tags,
      ...(narrative !== undefined
        ? {
            EventReport: [
              {
                uuid: stableUuid(tip.id, 'misp/event-report/narrative'),
                name: `Narrative of ${tip.reference}`,
                content: narrative,
                distribution: '5',
                timestamp,
              },
            ],
          }
        : {}),
    },
  };
}
