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

  it('refuses production without keys, secret or external database', () => {
    const message = problemsOf({ NODE_ENV: 'production' });
    expect(message).toContain('INTAKE_PUBLIC_KEYS is required in production');
    expect(message).toContain('SERVER_SECRET is required in production');
    expect(message).toContain('DATABASE_URL is required in production');
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

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }, '/x')).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
    });
  });
});
