/** CPU accounting from Linux /proc for the bench table. */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second of /proc's utime and stime. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Processes of a PostgreSQL server the bench did not start (DATABASE_URL) that
 * count as "PostgreSQL": the bench database's backends and the server's own
 * processes (WAL writer, checkpointer...). Set before each snapshot.
 */
let extraPostgres = new Set();
export function setPostgresPids(pids) {
  extraPostgres = new Set(pids);
}

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
    const serviceThreads = new Map();
    if (servicePid) {
      try {
        for (const tid of readdirSync(`/proc/${servicePid}/task`)) {
          try {
            const t = parse(readFileSync(`/proc/${servicePid}/task/${tid}/stat`, 'utf8'));
            serviceThreads.set(Number(tid), { comm: t.comm, ticks: t.ticks });
          } catch {
            /* thread exited */
          }
        }
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
          : pgRoots.has(pid) || pgRoots.has(p.ppid) || extraPostgres.has(pid)
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
      serviceThreads,
      servicePid,
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

/**
 * CPU milliseconds per group between two snapshots, and per thread name of the
 * service's other threads (libuv pool, worker threads, V8 GC helpers...).
 */
export function cpuMs(a, b) {
  if (!a || !b) return null;
  const ms = (ticks) => (ticks * 1000) / CLK_TCK;
  const g = { service: 0, postgres: 0, bench: 0, other: 0 };
  for (const [pid, p] of b.perPid) g[p.group] += p.ticks - (a.perPid.get(pid)?.ticks ?? 0);
  const main = b.serviceMain - a.serviceMain;
  const threads = {};
  for (const [tid, t] of b.serviceThreads ?? []) {
    if (tid === b.servicePid) continue;
    const d = t.ticks - (a.serviceThreads?.get(tid)?.ticks ?? 0);
    if (d > 0) threads[t.comm] = (threads[t.comm] ?? 0) + ms(d);
  }
  return {
    serviceMain: ms(main),
    serviceOther: ms(g.service - main),
    postgres: ms(g.postgres),
    bench: ms(g.bench),
    other: ms(g.other),
    serviceThreads: threads,
  };
}

/** "main 0.41, other threads 1.20 ms" per unit of work. */
export function perUnit(msTotals, units) {
  if (!msTotals || !(units > 0)) return null;
  const out = {};
  for (const k of ['serviceMain', 'serviceOther', 'postgres', 'bench', 'other'])
    out[k] = msTotals[k] / units;
  return out;
}
