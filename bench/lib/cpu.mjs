/** CPU accounting from Linux /proc for the bench table. */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export function describeCpu(c) {
  const f = (x) => x.toFixed(2);
  return `service main thread ${f(c.serviceMain)}, service other threads ${f(c.serviceOther)}, PostgreSQL ${f(c.postgres)}, bench process ${f(c.bench)}, other processes ${f(c.other)}, kernel irq ${f(c.irq)}, idle ${f(c.idle)}${c.unattributed >= 0.05 ? `, unattributed (exited processes) ${f(c.unattributed)}` : ''}`;
}

/**
 * CPU time (Linux /proc) split into: the service's main thread, its other threads
 * (encryption workers, libuv pool running WebCrypto jobs, GC), the bench's
 * PostgreSQL (postmaster child of this process and its backends), this process
 * (load generator / ceiling threads), other processes, kernel irq+softirq, and
 * idle. What processes that exited in between used shows as "unattributed".
 * Returns null where /proc is unavailable.
 */
export function cpuSnapshot(servicePid) {
  try {
    const parse = (statText) => {
      const f = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
      // fields after "(comm) ": state(0) ppid(1) ... utime(11) stime(12)
      return {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]),
        comm: statText.slice(statText.indexOf('(') + 1, statText.lastIndexOf(')')),
      };
    };
    const sys = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const procs = new Map();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        procs.set(Number(d), parse(readFileSync(`/proc/${d}/stat`, 'utf8')));
      } catch {
        /* exited */
      }
    }
    let serviceMain = 0;
    if (servicePid) {
      try {
        serviceMain = parse(
          readFileSync(`/proc/${servicePid}/task/${servicePid}/stat`, 'utf8'),
        ).ticks;
      } catch {
        /* exited */
      }
    }
    const pgRoots = new Set(
      [...procs]
        .filter(([, p]) => p.ppid === process.pid && p.comm === 'postgres')
        .map(([pid]) => pid),
    );
    const perPid = new Map();
    for (const [pid, p] of procs) {
      const group =
        pid === servicePid
          ? 'service'
          : pgRoots.has(pid) || pgRoots.has(p.ppid)
            ? 'postgres'
            : pid === process.pid
              ? 'bench'
              : 'other';
      perPid.set(pid, { ticks: p.ticks, group });
    }
    return {
      total: sys.slice(0, 8).reduce((a, b) => a + b, 0),
      idle: sys[3] + sys[4],
      irq: sys[5] + sys[6],
      steal: sys[7] ?? 0,
      serviceMain,
      perPid,
    };
  } catch {
    return null;
  }
}

/** Cores used per group between two snapshots. */
export function cpuDelta(a, b) {
  if (!a || !b) return null;
  const ncpu = availableParallelism();
  const span = b.total - a.total;
  if (span <= 0) return null;
  const cores = (t) => Math.round(((t * ncpu) / span) * 100) / 100;
  const g = { service: 0, postgres: 0, bench: 0, other: 0 };
  for (const [pid, p] of b.perPid) g[p.group] += p.ticks - (a.perPid.get(pid)?.ticks ?? 0);
  const serviceMain = b.serviceMain - a.serviceMain;
  const out = {
    serviceMain: cores(serviceMain),
    serviceOther: cores(g.service - serviceMain),
    postgres: cores(g.postgres),
    bench: cores(g.bench),
    other: cores(g.other),
    irq: cores(b.irq - a.irq + b.steal - a.steal),
    idle: cores(b.idle - a.idle),
    ofCores: ncpu,
  };
  const used = span - (b.idle - a.idle);
  const attributed =
    g.service + g.postgres + g.bench + g.other + (b.irq - a.irq) + (b.steal - a.steal);
  out.unattributed = Math.max(0, cores(used - attributed));
  return out;
}
