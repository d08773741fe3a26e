import { mispAnalysis, mispThreatLevel } from './misp.js';
import { THEHIVE_TLP, theHiveSeverity } from './thehive.js';
import { assertPushAllowed, ExportRefused, refang } from './tip-export.js';

describe('export mappings', () => {
  it('maps severity (1 worst) to MISP threat levels and TheHive severities', () => {
    expect([1, 2, 3, 4, null].map(mispThreatLevel)).toEqual(['1', '2', '3', '3', '4']);
    expect([1, 2, 3, 4, null].map(theHiveSeverity)).toEqual([4, 3, 2, 1, 2]);
  });

  it('maps the workflow to MISP analysis', () => {
    expect(
      (
        ['new', 'triaging', 'escalated', 'actioned', 'no_action', 'closed', 'duplicate'] as const
      ).map(mispAnalysis),
    ).toEqual(['0', '1', '1', '2', '2', '2', '2']);
  });

  it('gates pushes by TLP and refangs URLs', () => {
    expect(() => assertPushAllowed('red')).toThrow(ExportRefused);
    for (const tlp of ['clear', 'green', 'amber', 'amber+strict'] as const) {
      expect(() => assertPushAllowed(tlp)).not.toThrow();
    }
    expect(THEHIVE_TLP).toEqual({ clear: 0, green: 1, amber: 2, 'amber+strict': 3, red: 4 });
    expect(refang('hxxps://a.example/x')).toBe('https://a.example/x');
    expect(refang('HXXP://a.example')).toBe('http://a.example');
  });
});
