#!/usr/bin/env node
// `npm start`: compiles only when a source is newer than the last build, so a
// restart does not pay for a full TypeScript compile. Sources are src/,
// migrations/, the tsconfig files and package-lock.json; directories count
// too, so a deleted or renamed file also triggers a build. The compile itself
// is incremental (tsconfig.build.json), so a build after a small change is
// quicker than a cold one.
import { spawnSync } from 'node:child_process';
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

async function newest(path) {
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let latest = s.mtimeMs;
  for (const entry of await readdir(path)) {
    latest = Math.max(latest, await newest(join(path, entry)));
  }
  return latest;
}

const checked = performance.now();
const built = (await stat(stamp).catch(() => undefined))?.mtimeMs ?? -1;
let latest = 0;
for (const input of inputs) latest = Math.max(latest, await newest(join(root, input)));
if (built >= latest) {
  process.stderr.write(
    `build is up to date (checked in ${Math.round(performance.now() - checked)} ms)\n`,
  );
  process.exit(0);
}

process.stderr.write(
  built < 0
    ? 'compiling (no earlier build)\n'
    : 'compiling (sources changed since the last build)\n',
);
const startedAt = new Date();
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
// The public site's templates, catalogues and browser files, which tsc does not emit.
const copied = spawnSync(process.execPath, [join(root, 'scripts', 'copy-site-files.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (copied.status !== 0) process.exit(copied.status ?? 1);
// Stamped with the time the build began: a file saved during the build is newer.
await writeFile(stamp, '');
await utimes(stamp, startedAt, startedAt);
