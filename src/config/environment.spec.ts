import { ConfigError, loadConfig } from './environment.js';

const SECRET = 'SECRET-VALUE-never-print-me-0123456789';

function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env, '/srv/tipline');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has development defaults', () => {
    expect(loadConfig({}, '/srv/tipline')).toMatchObject({
      nodeEnv: 'development',
      production: false,
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: '/srv/tipline/.data',
      intakePublicKeyPaths: [],
      logLevel: 'info',
    });
  });

  it('resolves key paths and listens on all interfaces in production', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://u:p@db/tipline',
        INTAKE_PUBLIC_KEYS: 'keys/a.asc, /etc/tipline/b.asc',
        SERVER_SECRET: SECRET,
      },
      '/srv/tipline',
    );
    expect(config.host).toBe('0.0.0.0');
    expect(config.intakePublicKeyPaths).toEqual(['/srv/tipline/keys/a.asc', '/etc/tipline/b.asc']);
  });

  it('names the variable and never its value', () => {
    const message = problemsOf({
      PORT: `port-${SECRET}`,
      SERVER_SECRET: 'short-SECRET',
      DATABASE_URL: `mysql://root:${SECRET}@db/x`,
      LOG_LEVEL: `loud-${SECRET}`,
      NODE_ENV: `prod-${SECRET}`,
    });
    for (const name of ['PORT', 'SERVER_SECRET', 'DATABASE_URL', 'LOG_LEVEL', 'NODE_ENV']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('short-SECRET');
  });

  it('takes a webhook retry schedule and refuses a bad one without echoing it', () => {
    expect(loadConfig({}, '/srv/tipline').webhookRetrySchedule).toEqual([
      5, 300, 1800, 7200, 18000, 36000, 36000,
    ]);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '1, 2' }, '/srv/tipline')).toMatchObject({
      webhookRetrySchedule: [1, 2],
      webhookAllowPrivate: false,
    });
    const message = problemsOf({
      WEBHOOK_RETRY_SCHEDULE: `5,${SECRET}`,
      WEBHOOK_ALLOW_PRIVATE: 'yes',
    });
    expect(message).toContain('WEBHOOK_RETRY_SCHEDULE');
    expect(message).toContain('WEBHOOK_ALLOW_PRIVATE');
    expect(message).not.toContain(SECRET);
  });

  it('refuses production without keys, secret or external database', () => {
    const message = problemsOf({ NODE_ENV: 'production' });
    expect(message).toContain('INTAKE_PUBLIC_KEYS is required in production');
    expect(message).toContain('SERVER_SECRET is required in production');
    expect(message).toContain('DATABASE_URL is required in production');
  });

  it('checks DATABASE_READ_URL without printing it, and wants a primary next to it', () => {
    const bad = problemsOf({
      DATABASE_URL: 'postgres://u:p@db/tipline',
      DATABASE_READ_URL: `mysql://root:${SECRET}@replica/x`,
    });
    expect(bad).toContain('DATABASE_READ_URL must be a postgres://');
    expect(bad).not.toContain(SECRET);
    expect(problemsOf({ DATABASE_READ_URL: 'postgres://u:p@replica/tipline' })).toContain(
      'DATABASE_READ_URL needs DATABASE_URL',
    );
    expect(
      loadConfig(
        {
          DATABASE_URL: 'postgres://u:p@db/tipline',
          DATABASE_READ_URL: 'postgres://u:p@replica/tipline',
        },
        '/x',
      ).databaseReadUrl,
    ).toBe('postgres://u:p@replica/tipline');
  });

  it('reads the public site settings, with safe defaults, and names a bad one', () => {
    expect(loadConfig({}, '/srv/tipline').publicSite).toEqual({
      enabled: true,
      organisationName: 'Tipline',
      emergencyNotice: { en: undefined, cy: undefined, pl: undefined, ar: undefined },
      formTokenMs: 24 * 3_600_000,
      minSubmitMs: 3_000,
      noJsPerHour: 20,
    });
    expect(
      loadConfig(
        {
          PUBLIC_SITE: 'off',
          ORGANISATION_NAME: 'Example Unit',
          EMERGENCY_NOTICE_CY: 'Ffoniwch 999.',
          SITE_FORM_TOKEN_HOURS: '48',
          SITE_MIN_SECONDS: '0',
          SITE_NOJS_RATE_LIMIT: '5',
        },
        '/srv/tipline',
      ).publicSite,
    ).toMatchObject({
      enabled: false,
      organisationName: 'Example Unit',
      emergencyNotice: { cy: 'Ffoniwch 999.' },
      formTokenMs: 48 * 3_600_000,
      minSubmitMs: 0,
      noJsPerHour: 5,
    });
    const problems = problemsOf({
      PUBLIC_SITE: 'maybe',
      SITE_MIN_SECONDS: '-1',
      EMERGENCY_NOTICE_AR: SECRET.repeat(40),
    });
    expect(problems).toContain('PUBLIC_SITE');
    expect(problems).toContain('SITE_MIN_SECONDS');
    expect(problems).toContain('EMERGENCY_NOTICE_AR');
    expect(problems).not.toContain(SECRET);
  });

  it('reloads intake keys every 5 s by default, never more often than every 100 ms', () => {
    expect(loadConfig({}, '/x').intakeKeyRefreshMs).toBe(5000);
    expect(loadConfig({ INTAKE_KEY_REFRESH_MS: '200' }, '/x').intakeKeyRefreshMs).toBe(200);
    expect(problemsOf({ INTAKE_KEY_REFRESH_MS: '99' })).toContain('INTAKE_KEY_REFRESH_MS');
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }, '/x')).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
    });
  });

  it('has one listener unless PUBLIC_LISTEN, STAFF_LISTEN or ONION_LISTEN is set', () => {
    expect(loadConfig({}, '/x')).toMatchObject({ listen: {}, partnerListener: 'public' });
    expect(
      loadConfig(
        {
          PUBLIC_LISTEN: '0.0.0.0:3000',
          STAFF_LISTEN: '[::1]:3001',
          ONION_LISTEN: 'app:3002',
          PARTNER_LISTENER: 'staff',
        },
        '/x',
      ),
    ).toMatchObject({
      listen: {
        public: { host: '0.0.0.0', port: 3000 },
        staff: { host: '::1', port: 3001 },
        onion: { host: 'app', port: 3002 },
      },
      partnerListener: 'staff',
      onionRateLimit: 0,
    });
  });

  it('refuses half a split, bad addresses and a shared address', () => {
    expect(problemsOf({ PUBLIC_LISTEN: '127.0.0.1:3000' })).toContain(
      'STAFF_LISTEN is required when PUBLIC_LISTEN or ONION_LISTEN is set',
    );
    expect(problemsOf({ STAFF_LISTEN: '127.0.0.1:3001' })).toContain(
      'PUBLIC_LISTEN or ONION_LISTEN is required when STAFF_LISTEN is set',
    );
    for (const bad of ['3000', '127.0.0.1', '::1:3000', '[nothost]:1', 'a:70000', 'a b:1']) {
      expect(problemsOf({ PUBLIC_LISTEN: bad, STAFF_LISTEN: '127.0.0.1:3001' })).toContain(
        'PUBLIC_LISTEN must be host:port',
      );
    }
    expect(
      problemsOf({ PUBLIC_LISTEN: '127.0.0.1:3000', STAFF_LISTEN: '127.0.0.1:3000' }),
    ).toContain('must be different addresses');
    expect(problemsOf({ PARTNER_LISTENER: 'everywhere' })).toContain('PARTNER_LISTENER');
  });

  it('takes a v3 onion origin for ONION_LOCATION and names it, not the value, when wrong', () => {
    const onion = '4d2lk4kclqyvxhs4pnonrjngrotbrrra4npckdkogfcmz3xiyhsekvyd';
    expect(loadConfig({ ONION_LOCATION: `http://${onion}.onion/` }, '/x').onionLocation).toBe(
      `http://${onion}.onion`,
    );
    const wrong = `http://${onion.replace('4d2', '4d3')}.onion`;
    const message = problemsOf({ ONION_LOCATION: wrong, ONION_RATE_LIMIT: '-1' });
    expect(message).toContain('ONION_LOCATION must be a v3 onion origin');
    expect(message).toContain('ONION_RATE_LIMIT');
    expect(message).not.toContain(onion.slice(3));
  });

  it('refuses an onion in production without an onion limit, even with proof of work', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db/tipline',
      INTAKE_PUBLIC_KEYS: '/k.asc',
      SERVER_SECRET: SECRET,
      PUBLIC_LISTEN: '0.0.0.0:3000',
      STAFF_LISTEN: '0.0.0.0:3001',
      ONION_LISTEN: '0.0.0.0:3002',
    };
    expect(problemsOf({ ...production, POW_DIFFICULTY: '0' })).toContain(
      'ONION_LISTEN in production needs an ONION_RATE_LIMIT above 0',
    );
    // Proof of work guards writes only: the receipt check-in still needs the cap.
    expect(problemsOf(production)).toContain(
      'ONION_LISTEN in production needs an ONION_RATE_LIMIT',
    );
    expect(loadConfig({ ...production, ONION_RATE_LIMIT: '1200' }, '/x').powDifficulty).toBe(18);
    expect(
      loadConfig({ ...production, POW_DIFFICULTY: '0', ONION_RATE_LIMIT: '600' }, '/x')
        .onionRateLimit,
    ).toBe(600);
  });
});
