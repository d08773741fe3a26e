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

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }, '/x')).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
    });
  });
});
