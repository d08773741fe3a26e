import {
  notBefore,
  officialTlpObjects,
  parseStixPattern,
  stixSchemaErrors,
} from '../../../test/support/stix.js';
import { buildStixBundle, patternString, stixPattern, TLP2_MARKING_IDS } from './stix.js';
import { ExportRefused, type TipExportInput } from './tip-export.js';

const TIP: TipExportInput['tip'] = {
  id: '019ad0c4-7a00-7000-8000-000000000001',
  reference: 'TIP-7Q4K-2M9X',
  channel: 'partner',
  category: 'cyber',
  submitterUrgency: 'days',
  receivedAt: '2026-12-01T14:05:00.000Z',
  status: 'triaging',
  priority: 'P2',
  severity: 2,
  tlp: 'amber',
  confidence: 70,
  tags: ['botnet'],
};

const CONTENT: TipExportInput['content'] = {
  narrative: 'C2 beaconing from three hosts',
  indicators: [
    { type: 'domain', value: 'c2.evil.example', description: 'C2 domain' },
    { type: 'ipv4', value: '203.0.113.9' },
    { type: 'ipv6', value: '2001:db8::9' },
    { type: 'url', value: "hxxps://evil.example/a'b\\c" },
    { type: 'email', value: 'boss@evil.example' },
    { type: 'md5', value: 'D41D8CD98F00B204E9800998ECF8427E' },
    { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
    { type: 'sha256', value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
    { type: 'sha512', value: 'a'.repeat(128) },
    { type: 'phone', value: '+441234567890' },
    { type: 'domain', value: 'c2.evil.example' },
  ],
};

function input(over: Partial<TipExportInput> = {}): TipExportInput {
  return {
    tip: TIP,
    content: CONTENT,
    includeNarrative: false,
    now: new Date('2026-12-02T09:00:00.000Z'),
    ...over,
  };
}

describe('STIX 2.1 export', () => {
  it('builds a bundle the OASIS schemas accept, with TLP 2.0 objects exactly as published', () => {
    for (const tlp of ['clear', 'green', 'amber', 'amber+strict', 'red'] as const) {
      for (const status of ['new', 'closed'] as const) {
        const bundle = buildStixBundle(
          input({ tip: { ...TIP, tlp, status }, includeNarrative: true }),
        );
        expect(stixSchemaErrors(bundle)).toEqual([]);
        const official = new Map(officialTlpObjects().map((o) => [o.id, o]));
        const ext = bundle.objects.find((o) => o.type === 'extension-definition')!;
        expect(ext).toEqual(official.get(ext.id));
        const markings = bundle.objects.filter((o) => o.type === 'marking-definition');
        expect(markings).toEqual([official.get(TLP2_MARKING_IDS[tlp])]);
        for (const o of bundle.objects.filter((o) => 'modified' in o)) {
          expect(o.object_marking_refs ?? [TLP2_MARKING_IDS[tlp]]).toEqual([TLP2_MARKING_IDS[tlp]]);
        }
      }
    }
  });

  it('is a grouping while open and a report once actioned or closed', () => {
    const open = buildStixBundle(input());
    const grouping = open.objects.find((o) => o.type === 'grouping')!;
    expect(grouping).toMatchObject({
      context: 'suspicious-activity',
      confidence: 70,
      external_references: [{ source_name: 'tipline', external_id: 'TIP-7Q4K-2M9X' }],
    });
    expect(grouping).not.toHaveProperty('created_by_ref');
    for (const status of ['actioned', 'no_action', 'closed'] as const) {
      const closed = buildStixBundle(input({ tip: { ...TIP, status } }));
      expect(closed.objects.map((o) => o.type)).toContain('report');
      expect(closed.objects.map((o) => o.type)).not.toContain('grouping');
    }
  });

  it('emits one indicator per STIX-expressible indicator, patterns well formed and escaped', () => {
    const bundle = buildStixBundle(input());
    const patterns = bundle.objects
      .filter((o) => o.type === 'indicator')
      .map((o) => parseStixPattern(o.pattern as string));
    expect(patterns).toEqual([
      { path: 'domain-name:value', value: 'c2.evil.example' },
      { path: 'ipv4-addr:value', value: '203.0.113.9' },
      { path: 'ipv6-addr:value', value: '2001:db8::9' },
      { path: 'url:value', value: "https://evil.example/a'b\\c" },
      { path: 'email-addr:value', value: 'boss@evil.example' },
      { path: 'file:hashes.MD5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
      { path: "file:hashes.'SHA-1'", value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      {
        path: "file:hashes.'SHA-256'",
        value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      },
      { path: "file:hashes.'SHA-512'", value: 'a'.repeat(128) },
    ]);
    expect(stixPattern({ type: 'url', value: "http://x.example/it's\\" })).toBe(
      "[url:value = 'http://x.example/it\\'s\\\\']",
    );
    expect(patternString("a'\\")).toBe("'a\\'\\\\'");
    expect(parseStixPattern("[url:value = 'a'b']")).toBeUndefined();
    expect(stixPattern({ type: 'phone', value: '+441234567890' })).toBeUndefined();
  });

  it('keeps object ids across re-exports and bumps modified', () => {
    const first = buildStixBundle(input());
    const again = buildStixBundle(input({ now: new Date('2026-12-03T10:00:00.000Z') }));
    const ids = (b: typeof first) => b.objects.map((o) => o.id);
    expect(ids(again)).toEqual(ids(first));
    expect(again.id).not.toBe(first.id);
    for (const [i, o] of again.objects.entries()) {
      if (!('modified' in o) || o.type === 'extension-definition') continue;
      expect(notBefore(o.modified as string, o.created as string)).toBe(true);
      expect(new Date(o.modified as string).getTime()).toBeGreaterThan(
        new Date(first.objects[i]!.modified as string).getTime(),
      );
    }
  });

  it('leaves the narrative and free-text descriptions out unless asked', () => {
    const without = JSON.stringify(buildStixBundle(input()));
    expect(without).not.toContain(CONTENT.narrative);
    expect(without).not.toContain('C2 domain');
    const withIt = buildStixBundle(input({ includeNarrative: true }));
    const note = withIt.objects.find((o) => o.type === 'note')!;
    expect(note).toMatchObject({ content: CONTENT.narrative });
    const grouping = withIt.objects.find((o) => o.type === 'grouping')!;
    expect(note.object_refs).toEqual([grouping.id]);
    expect(grouping.object_refs).toContain(note.id);
    expect(JSON.stringify(withIt)).toContain('C2 domain');
  });

  it('refuses an empty bundle', () => {
    expect(() => buildStixBundle(input({ content: { narrative: 'x' } }))).toThrow(ExportRefused);
  });

  it('the schema check can fail', () => {
    const bundle = buildStixBundle(input());
    const broken = {
      ...bundle,
      objects: bundle.objects.map((o) => (o.type === 'grouping' ? { ...o, object_refs: [] } : o)),
    };
    expect(stixSchemaErrors(broken)).not.toEqual([]);
  });
});
