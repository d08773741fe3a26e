/** TheHive 5 alerts (`POST /api/v1/alert`) of one tip. */
import type { IndicatorType } from '../../partners/partner-indicators.dto.js';
import type { Tlp } from '../../tips/tip.entity.js';
import { indicatorsOf, narrativeOf, refang, type TipExportInput } from './tip-export.js';

const DATA_TYPES: Record<IndicatorType, string> = {
  ipv4: 'ip',
  ipv6: 'ip',
  domain: 'domain',
  url: 'url',
  email: 'mail',
  md5: 'hash',
  sha1: 'hash',
  sha256: 'hash',
  sha512: 'hash',
  phone: 'other',
  'btc-address': 'other',
  'eth-address': 'other',
  text: 'other',
};

/** TheHive 5 TLP: 0 clear, 1 green, 2 amber, 3 amber+strict, 4 red. */
export const THEHIVE_TLP: Record<Tlp, number> = {
  clear: 0,
  green: 1,
  amber: 2,
  'amber+strict': 3,
  red: 4,
};

/** Our severity 1 (worst) .. 4 onto TheHive's 4 critical .. 1 low; unset is medium. */
export function theHiveSeverity(severity: number | null): number {
  return severity === null ? 2 : 5 - severity;
}

export function buildTheHiveAlert(input: TipExportInput): Record<string, unknown> {
  const { tip } = input;
  const tlp = THEHIVE_TLP[tip.tlp];
  const narrative = narrativeOf(input);
  const summary =
    `Tipline ${tip.channel} tip ${tip.reference}: category ${tip.category}, ` +
    `submitter urgency ${tip.submitterUrgency}, priority ${tip.priority}, status ${tip.status}.`;
  return {
    type: 'tip',
    source: 'tipline',
    sourceRef: tip.reference,
    title: `${tip.priority} ${tip.reference}: ${tip.category} tip (${tip.submitterUrgency})`,
    description: narrative !== undefined ? `${summary}\n\n${narrative}` : summary,
    date: new Date(tip.receivedAt).getTime(),
    severity: theHiveSeverity(tip.severity),
    tlp,
    // PAP follows TLP, capped at amber: what may be done with the data.
    pap: Math.min(tlp, 2),
    tags: [...new Set(['tipline', tip.category, tip.priority, ...tip.tags])],
    observables: indicatorsOf(input.content).map((ind) => ({
      dataType: DATA_TYPES[ind.type],
      data: ind.type === 'url' ? refang(ind.value.trim()) : ind.value.trim(),
      ioc: DATA_TYPES[ind.type] !== 'other',
      tlp,
      tags: [`tipline:type=${ind.type}`],
      ...(input.includeNarrative && ind.description ? { message: ind.description } : {}),
    })),
  };
}
