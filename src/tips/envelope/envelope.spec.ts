import type { WrittenAttachment } from '../attachments/attachment-writer.js';
import type { SubmitterUrgency } from '../tip.entity.js';
import {
  attachmentManifest,
  initialPriority,
  messageContent,
  noteContent,
  partnerTipContent,
  publicTipContent,
  sealedMessageContent,
  startOfMinute,
  type PartnerTipFields,
  type TipFields,
} from './envelope.js';

const AT = new Date('2026-03-01T12:34:00.000Z');
const REF = 'TIP-AB12-CD34';
const FILE: WrittenAttachment = {
  id: 'staged-row-id',
  n: 1,
  name: 'photo.jpg',
  type: 'image/jpeg',
  size: 1234,
  sha256: 'ab'.repeat(32),
};
const TIP: TipFields = {
  category: 'cyber',
  submitterUrgency: 'days',
  narrative: 'Phishing kit',
  location: 'online',
  occurredAt: '2026-02-28',
  peopleInvolved: 'two',
  organisationsInvolved: 'a ministry',
  contact: 'via receipt',
};

describe('the envelope of a tip', () => {
  it('holds every field of a public tip, canonical (sorted keys, no blanks), nothing else', () => {
    // The format readers (tipctl, exports) decrypt: changing it breaks every stored tip.
    const input = { ...TIP, allowReplies: false, receipt: 'not-in-the-envelope' };
    expect(publicTipContent({ reference: REF, receivedAt: AT }, input, [])).toBe(
      '{"category":"cyber","channel":"public","contact":"via receipt","location":"online",' +
        '"narrative":"Phishing kit","occurredAt":"2026-02-28","organisationsInvolved":"a ministry",' +
        '"peopleInvolved":"two","receivedAt":"2026-03-01T12:34:00.000Z","reference":"TIP-AB12-CD34",' +
        '"schema":"tipline.tip/v1","submitterUrgency":"days"}',
    );
  });

  it('drops absent optional fields and lists files by number, never by staged row', () => {
    const content = publicTipContent(
      { reference: REF, receivedAt: AT },
      { category: 'other', submitterUrgency: 'unknown', narrative: 'n' },
      [FILE],
    );
    expect(JSON.parse(content)).toEqual({
      schema: 'tipline.tip/v1',
      reference: REF,
      channel: 'public',
      receivedAt: '2026-03-01T12:34:00.000Z',
      category: 'other',
      submitterUrgency: 'unknown',
      narrative: 'n',
      attachments: [
        { n: 1, name: 'photo.jpg', type: 'image/jpeg', size: 1234, sha256: 'ab'.repeat(32) },
      ],
    });
    expect(content).not.toContain('staged-row-id');
  });

  it("holds a partner's tip with its partner, sourceRef, indicators, classification and signature", () => {
    const input: PartnerTipFields & { signature: string } = {
      ...TIP,
      sourceRef: 'case-7',
      indicators: [{ type: 'domain', value: 'c2.example' }],
      classification: { tlp: 'green', priority: 'P1' },
      signature: '-----BEGIN PGP SIGNATURE-----',
    };
    const partner = { id: 'p-1', name: 'CERT' };
    expect(
      partnerTipContent({ reference: REF, receivedAt: AT }, partner, input, {
        signedBy: 'FPR',
        armored: input.signature,
      }),
    ).toBe(
      '{"category":"cyber","channel":"partner","classification":{"priority":"P1","tlp":"green"},' +
        '"contact":"via receipt","indicators":[{"type":"domain","value":"c2.example"}],' +
        '"location":"online","narrative":"Phishing kit","occurredAt":"2026-02-28",' +
        '"organisationsInvolved":"a ministry","partner":{"id":"p-1","name":"CERT"},' +
        '"peopleInvolved":"two","receivedAt":"2026-03-01T12:34:00.000Z","reference":"TIP-AB12-CD34",' +
        '"schema":"tipline.tip/v1","signature":{"armored":"-----BEGIN PGP SIGNATURE-----",' +
        '"signedBy":"FPR"},"sourceRef":"case-7","submitterUrgency":"days"}',
    );
    const unsigned = JSON.parse(
      partnerTipContent({ reference: REF, receivedAt: AT }, partner, { ...TIP, sourceRef: 's' }),
    ) as Record<string, unknown>;
    for (const absent of ['signature', 'indicators', 'classification']) {
      expect(unsigned).not.toHaveProperty(absent);
    }
  });

  it('lists no attachments when there are none', () => {
    expect(attachmentManifest([])).toBeUndefined();
    expect(attachmentManifest([FILE, { ...FILE, n: 2, name: 'b' }])).toEqual([
      { n: 1, name: 'photo.jpg', type: 'image/jpeg', size: 1234, sha256: 'ab'.repeat(32) },
      { n: 2, name: 'b', type: 'image/jpeg', size: 1234, sha256: 'ab'.repeat(32) },
    ]);
  });

  it('holds messages, sealed copies and notes in their own formats', () => {
    const message = { id: 'm-1', tipId: 't-1', reference: REF, at: AT };
    expect(messageContent({ ...message, from: 'submitter' }, 'more', [FILE])).toBe(
      '{"at":"2026-03-01T12:34:00.000Z","attachments":[{"n":1,"name":"photo.jpg",' +
        `"sha256":"${'ab'.repeat(32)}","size":1234,"type":"image/jpeg"}],"body":"more",` +
        '"from":"submitter","messageId":"m-1","reference":"TIP-AB12-CD34",' +
        '"schema":"tipline.message/v1","tipId":"t-1"}',
    );
    expect(
      JSON.parse(messageContent({ ...message, from: 'analyst', author: 'ana' }, 'hi')),
    ).toEqual({
      schema: 'tipline.message/v1',
      messageId: 'm-1',
      tipId: 't-1',
      reference: REF,
      from: 'analyst',
      author: 'ana',
      at: '2026-03-01T12:34:00.000Z',
      body: 'hi',
    });
    expect(sealedMessageContent('hi')).toBe('{"body":"hi","schema":"tipline.sealed-message/v1"}');
    expect(
      noteContent({ id: 'n-1', tipId: 't-1', reference: REF, author: 'ana', createdAt: AT }, 'x'),
    ).toBe(
      '{"author":"ana","body":"x","createdAt":"2026-03-01T12:34:00.000Z","noteId":"n-1",' +
        '"reference":"TIP-AB12-CD34","schema":"tipline.note/v1","tipId":"t-1"}',
    );
  });
});

describe('initial priority', () => {
  it('follows the urgency: immediate danger P1, days P2, weeks and unknown P3', () => {
    const of = (u: SubmitterUrgency) => initialPriority(u);
    expect([of('immediate-danger'), of('days'), of('weeks'), of('unknown')]).toEqual([1, 2, 3, 3]);
  });

  it("takes a partner's own classification over the urgency", () => {
    expect(initialPriority('immediate-danger', 'P4')).toBe(4);
    expect(initialPriority('weeks', 'P1')).toBe(1);
    expect(initialPriority('days', undefined)).toBe(2);
  });
});

describe('startOfMinute', () => {
  it('keeps the minute only', () => {
    expect(startOfMinute(new Date('2026-03-01T12:34:56.789Z')).toISOString()).toBe(
      '2026-03-01T12:34:00.000Z',
    );
    expect(startOfMinute(AT)).toEqual(AT);
  });
});
