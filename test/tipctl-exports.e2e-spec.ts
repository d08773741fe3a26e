import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { listenOnLoopback, startTestApp, type TestApp } from './support/app.js';
import { withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { partnerThroughAdminApi } from './support/partners.js';
import { tipctl, type RunResult } from './support/processes.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';
import { notBefore, parseStixPattern, stixSchemaErrors } from './support/stix.js';

const CANARY = 'CANARY-exports-5e1a';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A stand-in for MISP or TheHive: records every request, answers with `answer`. */
async function stubServer(
  answer: (r: Received, seen: Received[]) => { status: number; body: unknown },
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const r: Received = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: JSON.parse(raw || '{}') as Record<string, unknown>,
      };
      const { status, body } = answer(r, received);
      received.push(r);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('tipctl exports: STIX, MISP, TheHive after local decryption', () => {
  let t: TestApp;
  let intake: TestKey;
  let lead: StaffLogin;
  let dir: string;
  let env: Record<string, string>;
  let tipId: string;
  let reference: string;

  function ok(res: RunResult): string {
    if (res.code !== 0) throw new Error(`tipctl failed (${res.code}): ${res.stderr}`);
    return res.stdout.toString();
  }

  const keyArgs = () => ['--key', intake.privateKeyPath];

  async function auditedExports(): Promise<Array<Record<string, unknown>>> {
    return withClient(async (c) => {
      const r = await c.query<{ details: Record<string, unknown>; actor_username: string }>(
        `SELECT details, actor_username FROM audit_event WHERE action = 'tip.exported' AND target_id = $1 ORDER BY id`,
        [tipId],
      );
      return r.rows.map((row) => ({ ...row.details, by: row.actor_username }));
    });
  }

  async function patch(body: Record<string, unknown>): Promise<void> {
    const current = await request(t.server)
      .get(`/v1/triage/tips/${tipId}`)
      .set(...bearer(lead))
      .expect(200);
    await request(t.server)
      .patch(`/v1/triage/tips/${tipId}`)
      .set(...bearer(lead))
      .send({ version: current.body.version, ...body })
      .expect(200);
  }

  beforeAll(async () => {
    intake = await makeTestKey();
    t = await startTestApp([intake.publicKeyPath]);
    const url = await listenOnLoopback(t);
    const admin = await staffLogin(t, 'admin');
    lead = await staffLogin(t, 'lead');
    dir = await mkdtemp(join(tmpdir(), 'tipline-exports-'));
    const configDir = join(dir, 'config');
    await mkdir(configDir, { mode: 0o700 });
    await writeFile(
      join(configDir, 'session.json'),
      JSON.stringify({
        url,
        token: lead.token,
        username: lead.username,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      { mode: 0o600 },
    );
    env = { TIPCTL_CONFIG_DIR: configDir };

    const partner = await partnerThroughAdminApi(
      t,
      admin,
      { name: `Exports partner ${randomUUID()}` },
      ['tips:submit'],
    );
    const submitted = await request(t.server)
      .post('/v1/partner/tips')
      .set('Authorization', `Bearer ${partner.key}`)
      .set('Idempotency-Key', randomUUID())
      .send({
        category: 'cyber',
        submitterUrgency: 'days',
        sourceRef: `SOC-${randomUUID()}`,
        narrative: `${CANARY} beaconing from three hosts`,
        indicators: [
          { type: 'domain', value: 'c2.evil.example', description: `${CANARY} C2 domain` },
          { type: 'ipv4', value: '203.0.113.9' },
          { type: 'url', value: "hxxps://evil.example/it's\\here" },
          {
            type: 'sha256',
            value: '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08',
          },
          { type: 'phone', value: '+441234567890' },
        ],
        classification: { tlp: 'amber', confidence: 70 },
      })
      .expect(201);
    tipId = submitted.body.id as string;
    reference = submitted.body.reference as string;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes a STIX 2.1 bundle that validates, with mode 0600, audited, narrative only on request', async () => {
    const out = join(dir, 'tip.stix.json');
    const res = await tipctl(
      ['tips', 'export', tipId, ...keyArgs(), '--format', 'stix', '--out', out],
      env,
    );
    ok(res);
    expect(res.stderr).toContain(`wrote ${reference} as STIX 2.1 to ${out} (TLP:AMBER)`);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, 'utf8');
    expect(text).not.toContain(CANARY);
    const bundle = JSON.parse(text) as {
      objects: Array<Record<string, string> & { type: string; id: string }>;
    };
    expect(stixSchemaErrors(bundle)).toEqual([]);
    const types = bundle.objects.map((o) => o.type);
    expect(types).toEqual([
      'extension-definition',
      'marking-definition',
      'grouping',
      'indicator',
      'indicator',
      'indicator',
      'indicator',
    ]);
    const grouping = bundle.objects.find((o) => o.type === 'grouping')!;
    expect(grouping).toMatchObject({
      context: 'suspicious-activity',
      confidence: 70,
      external_references: [
        expect.objectContaining({ source_name: 'tipline', external_id: reference }),
      ],
    });
    expect(
      bundle.objects.filter((o) => o.type === 'indicator').map((o) => parseStixPattern(o.pattern!)),
    ).toEqual([
      { path: 'domain-name:value', value: 'c2.evil.example' },
      { path: 'ipv4-addr:value', value: '203.0.113.9' },
      { path: 'url:value', value: "https://evil.example/it's\\here" },
      {
        path: "file:hashes.'SHA-256'",
        value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      },
    ]);

    // Re-export once actioned: same ids (the container becomes a report), later `modified`.
    await patch({ status: 'triaging' });
    await patch({ status: 'actioned' });
    const again = JSON.parse(
      ok(
        await tipctl(
          ['tips', 'export', tipId, ...keyArgs(), '--format', 'stix', '--include-narrative'],
          env,
        ),
      ),
    ) as typeof bundle;
    expect(stixSchemaErrors(again)).toEqual([]);
    const report = again.objects.find((o) => o.type === 'report')!;
    expect(report.id.split('--')[1]).toBe(grouping.id.split('--')[1]);
    const note = again.objects.find((o) => o.type === 'note')!;
    expect(note.content).toBe(`${CANARY} beaconing from three hosts`);
    for (const o of bundle.objects.filter((x) => x.type === 'indicator')) {
      const same = again.objects.find((x) => x.id === o.id)!;
      expect(same).toBeDefined();
      expect(notBefore(same.modified!, same.created!)).toBe(true);
      expect(new Date(same.modified!).getTime()).toBeGreaterThan(new Date(o.modified!).getTime());
    }

    const audited = await auditedExports();
    expect(audited).toEqual([
      expect.objectContaining({
        format: 'stix',
        target: 'file',
        includesNarrative: false,
        reference,
        by: lead.username,
      }),
      expect.objectContaining({ format: 'stix', target: 'stdout', includesNarrative: true }),
    ]);
    expect(JSON.stringify(audited)).not.toContain(CANARY);
  });

  it('writes a MISP event with a stable uuid; the narrative as an EventReport only on request', async () => {
    const first = JSON.parse(
      ok(await tipctl(['tips', 'export', tipId, ...keyArgs(), '--format', 'misp'], env)),
    ) as { Event: Record<string, unknown> & { Attribute: Array<Record<string, unknown>> } };
    expect(JSON.stringify(first)).not.toContain(CANARY);
    expect(first.Event).toMatchObject({
      info: `${reference}: cyber tip (days)`,
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      threat_level_id: '4',
      analysis: '2',
      distribution: '0',
      Tag: expect.arrayContaining([{ name: 'tlp:amber' }, { name: 'tipline:category="cyber"' }]),
    });
    expect(first.Event).not.toHaveProperty('EventReport');
    expect(first.Event.Attribute.map((a) => [a.category, a.type, a.value, a.to_ids])).toEqual([
      ['Network activity', 'domain', 'c2.evil.example', true],
      ['Network activity', 'ip-dst', '203.0.113.9', true],
      ['Network activity', 'url', "https://evil.example/it's\\here", true],
      [
        'Payload delivery',
        'sha256',
        '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08',
        true,
      ],
      ['Other', 'phone-number', '+441234567890', false],
    ]);
    const withNarrative = JSON.parse(
      ok(
        await tipctl(
          ['tips', 'export', tipId, ...keyArgs(), '--format', 'misp', '--include-narrative'],
          env,
        ),
      ),
    ) as typeof first;
    expect(withNarrative.Event.uuid).toBe(first.Event.uuid);
    expect(withNarrative.Event.EventReport).toEqual([
      expect.objectContaining({ content: `${CANARY} beaconing from three hosts` }),
    ]);
  });

  it('pushes to MISP with the documented request, and says so when the event exists', async () => {
    const keyFile = join(dir, 'misp.key');
    await writeFile(keyFile, 'misp-api-key-0123456789\n', { mode: 0o600 });
    const misp = await stubServer((r, seen) =>
      seen.some(
        (s) => (s.body.Event as { uuid: string }).uuid === (r.body.Event as { uuid: string }).uuid,
      )
        ? {
            status: 403,
            body: {
              name: 'Event already exists, if you would like to edit it, use the url in the location header.',
              message:
                'Event already exists, if you would like to edit it, use the url in the location header.',
              url: '/events/add',
            },
          }
        : {
            status: 200,
            body: { Event: { id: '42', uuid: (r.body.Event as { uuid: string }).uuid } },
          },
    );
    try {
      const args = [
        'tips',
        'push',
        tipId,
        ...keyArgs(),
        '--misp',
        misp.url,
        '--misp-key-file',
        keyFile,
      ];
      const pushed = ok(await tipctl(args, env));
      expect(pushed).toMatch(
        new RegExp(`^pushed ${reference} to MISP 127\\.0\\.0\\.1:\\d+ as event 42`),
      );
      expect(misp.received).toHaveLength(1);
      const [r] = misp.received;
      expect(r).toMatchObject({ method: 'POST', url: '/events/add' });
      expect(r!.headers.authorization).toBe('misp-api-key-0123456789');
      expect(r!.headers['content-type']).toBe('application/json');
      expect(r!.headers.accept).toBe('application/json');
      expect(r!.body.Event).toMatchObject({
        info: `${reference}: cyber tip (days)`,
        distribution: '0',
        Attribute: expect.arrayContaining([
          expect.objectContaining({
            type: 'domain',
            value: 'c2.evil.example',
            category: 'Network activity',
            to_ids: true,
          }),
        ]),
      });
      expect(JSON.stringify(r!.body)).not.toContain(CANARY);

      const twice = await tipctl(args, env);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain(`tipctl: MISP already has the event of ${reference}`);
    } finally {
      await misp.close();
    }
    const audited = await auditedExports();
    expect(audited.filter((a) => a.target === 'misp')).toEqual([
      expect.objectContaining({
        format: 'misp',
        destination: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      }),
      expect.objectContaining({ format: 'misp' }),
    ]);
  });

  it('pushes a TheHive 5 alert of the documented shape, refused the second time as the same alert', async () => {
    const keyFile = join(dir, 'thehive.key');
    await writeFile(keyFile, 'thehive-key-abc', { mode: 0o600 });
    const hive = await stubServer((r, seen) =>
      seen.some((s) => s.body.sourceRef === r.body.sourceRef && s.body.source === r.body.source)
        ? { status: 400, body: { type: 'CreateError', message: `Alert already exists` } }
        : { status: 201, body: { _id: '~4096', _type: 'Alert', sourceRef: r.body.sourceRef } },
    );
    try {
      const args = [
        'tips',
        'push',
        tipId,
        ...keyArgs(),
        '--thehive',
        hive.url,
        '--thehive-key-file',
        keyFile,
        '--include-narrative',
      ];
      expect(ok(await tipctl(args, env))).toContain(`pushed ${reference} to TheHive`);
      const [r] = hive.received;
      expect(r).toMatchObject({ method: 'POST', url: '/api/v1/alert' });
      expect(r!.headers.authorization).toBe('Bearer thehive-key-abc');
      expect(r!.body).toEqual({
        type: 'tip',
        source: 'tipline',
        sourceRef: reference,
        title: `P2 ${reference}: cyber tip (days)`,
        description: expect.stringContaining(`${CANARY} beaconing from three hosts`),
        date: expect.any(Number),
        severity: 2,
        tlp: 2,
        pap: 2,
        tags: ['tipline', 'cyber', 'P2'],
        observables: [
          expect.objectContaining({
            dataType: 'domain',
            data: 'c2.evil.example',
            ioc: true,
            tlp: 2,
          }),
          expect.objectContaining({ dataType: 'ip', data: '203.0.113.9' }),
          expect.objectContaining({ dataType: 'url', data: "https://evil.example/it's\\here" }),
          expect.objectContaining({ dataType: 'hash' }),
          expect.objectContaining({ dataType: 'other', data: '+441234567890', ioc: false }),
        ],
      });
      const twice = await tipctl(args, env);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toBe(
        `tipctl: TheHive already has an alert for ${reference} (source tipline, sourceRef ${reference}): not pushed again\n`,
      );
      expect(hive.received).toHaveLength(2);
    } finally {
      await hive.close();
    }
  });

  it('refuses to push a TLP:RED tip, in tipctl and on the server', async () => {
    await patch({ tlp: 'red' });
    const keyFile = join(dir, 'thehive.key');
    const hive = await stubServer(() => ({ status: 201, body: { _id: '~1' } }));
    const before = (await auditedExports()).length;
    try {
      const res = await tipctl(
        ['tips', 'push', tipId, ...keyArgs(), '--thehive', hive.url, '--thehive-key-file', keyFile],
        env,
      );
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('refusing to push a TLP:RED tip');
      expect(hive.received).toEqual([]);
    } finally {
      await hive.close();
    }
    const server = await request(t.server)
      .post(`/v1/triage/tips/${tipId}/exports`)
      .set(...bearer(lead))
      .send({
        format: 'misp',
        target: 'misp',
        destination: 'misp.example.org',
        includesNarrative: false,
      })
      .expect(409);
    expect(server.body.error.code).toBe('export_refused');
    expect((await auditedExports()).length).toBe(before);
    // A local file is still allowed: TLP:RED governs sharing, not the analyst's own copy.
    ok(await tipctl(['tips', 'export', tipId, ...keyArgs(), '--format', 'stix'], env));
    await patch({ tlp: 'amber' });
  });

  it('refuses plain http to another host and an unknown format', async () => {
    const res = await tipctl(
      [
        'tips',
        'push',
        tipId,
        ...keyArgs(),
        '--misp',
        'http://misp.example.org',
        '--misp-key-file',
        '/dev/null',
      ],
      env,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('--misp: use https://');
    const bad = await tipctl(['tips', 'export', tipId, ...keyArgs(), '--format', 'csv'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--format stix|misp');
  });
});
