/**
 * From a V8 .cpuprofile: self time per function (with its main callers), per
 * package, and per nearest Tipline frame (which application code the time is
 * spent under). Waiting (idle, piscina's Atomics.wait loop) is counted apart.
 */
export function analyzeProfile(profile) {
  const WAIT = new Set(['(idle)', 'atomicsWaitLoop']);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const describe = (callFrame) => {
    const name = callFrame.functionName || '(anonymous)';
    const url = callFrame.url.replace(/^file:\/\//, '');
    const nm = url.lastIndexOf('node_modules/');
    let where = url;
    let pkg;
    if (nm >= 0) {
      where = url.slice(nm + 'node_modules/'.length);
      const segs = where.split('/');
      pkg = segs[0].startsWith('@') ? `${segs[0]}/${segs[1]}` : segs[0];
    } else if (url.includes('/dist/src/')) {
      where = url.slice(url.indexOf('/dist/src/') + 1);
      pkg = 'tipline (dist/src)';
    } else if (url.startsWith('node:')) {
      pkg = 'node core';
    } else {
      pkg = url ? url : name.startsWith('(') ? name : 'native (called from JS)';
    }
    if (url) where = `${where}:${callFrame.lineNumber + 1}`;
    return { name, where, pkg, app: pkg === 'tipline (dist/src)' };
  };
  const info = new Map(profile.nodes.map((n) => [n.id, describe(n.callFrame)]));
  const appFrame = new Map();
  const nearestApp = (id) => {
    if (appFrame.has(id)) return appFrame.get(id);
    const d = info.get(id);
    const p = parent.get(id);
    const r = d.app
      ? `${d.name} (${d.where})`
      : p === undefined
        ? '(no Tipline frame)'
        : nearestApp(p);
    appFrame.set(id, r);
    return r;
  };
  const fns = new Map();
  const pkgs = new Map();
  const apps = new Map();
  let waitMs = 0;
  for (const [id, ms] of self) {
    const d = info.get(id);
    if (WAIT.has(d.name)) {
      waitMs += ms;
      continue;
    }
    const key = `${d.name}\u0000${d.where}`;
    const f = fns.get(key) ?? { name: d.name, where: d.where, ms: 0, callers: new Map() };
    f.ms += ms;
    const p = parent.get(id);
    const callerKey = p === undefined ? '(root)' : `${info.get(p).name} ${info.get(p).where}`;
    f.callers.set(callerKey, (f.callers.get(callerKey) ?? 0) + ms);
    fns.set(key, f);
    pkgs.set(d.pkg, (pkgs.get(d.pkg) ?? 0) + ms);
    const a = nearestApp(id);
    apps.set(a, (apps.get(a) ?? 0) + ms);
  }
  const busyMs = totalMs - waitMs;
  const pctOf = (ms) => (100 * ms) / totalMs;
  const top = [...fns.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 25)
    .map((f) => ({
      name: f.name,
      where: f.where,
      ms: Math.round(f.ms),
      pct: pctOf(f.ms),
      callers: [...f.callers.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([c, ms]) => `${c} (${pctOf(ms).toFixed(1)} %)`),
    }));
  const sorted = (m) =>
    [...m.entries()]
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: pctOf(ms) }))
      .sort((a, b) => b.ms - a.ms);
  return {
    totalMs: Math.round(totalMs),
    busyMs: Math.round(busyMs),
    waitMs: Math.round(waitMs),
    topFunctions: top,
    byPackage: sorted(pkgs),
    byTiplineFrame: sorted(apps).slice(0, 12),
  };
}
