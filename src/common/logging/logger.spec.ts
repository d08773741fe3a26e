import { PassThrough } from 'node:stream';
import { createLogger, PinoNestLogger, resolveLogFormat } from './logger.js';

function capture(format: 'json' | 'pretty', level: 'info' | 'debug' = 'info') {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { logger: createLogger(level, stream, format), text: () => text };
}

describe('log formats', () => {
  it('chooses readable lines only for a terminal outside production', () => {
    expect(resolveLogFormat('auto', true, false)).toBe('pretty');
    expect(resolveLogFormat('auto', false, false)).toBe('json');
    expect(resolveLogFormat('auto', true, true)).toBe('json');
    expect(resolveLogFormat('json', true, false)).toBe('json');
    expect(resolveLogFormat('pretty', false, true)).toBe('pretty');
  });

  it.each(['json', 'pretty'] as const)('redacts the same paths in the %s form', (format) => {
    const { logger, text } = capture(format);
    logger.info(
      {
        password: 'CANARY-pw',
        headers: { 'user-agent': 'CANARY-ua' },
        staff: { token: 'CANARY-token' },
        route: '/v1/tips',
      },
      'request',
    );
    expect(text()).toContain('/v1/tips');
    expect(text()).not.toContain('CANARY');
    expect(text().trim().split('\n')).toHaveLength(1);
  });

  it('sends Nest start-up narration to debug, and keeps its other lines at info', () => {
    const { logger, text } = capture('json');
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/v1/tips, POST} route', 'RouterExplorer');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    expect(text()).toBe('');
    nest.log('something the service says', 'Jobs');
    expect(text()).toContain('"level":"info"');
  });
});
