// Builds dist/: tsc compiles src/ to .build/, then ncc bundles the two entries
// (dist/cli/index.js and dist/action/index.js). `--check` builds into a temporary directory and
// fails when the committed dist/ differs (stale dist/ must never be released).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { minify } from 'terser';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const bin = (name) => join(root, 'node_modules', '.bin', name);

const ENTRIES = [
  { src: '.build/cli-main.js', out: 'dist/cli' },
  { src: '.build/action-main.js', out: 'dist/action' },
];

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

rmSync(join(root, '.build'), { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.build.json']);

run(process.execPath, [join(root, 'scripts', 'gen-docs.mjs'), ...(check ? ['--check'] : [])]);

const target = check ? mkdtempSync(join(tmpdir(), 'k8s-image-check-dist-')) : join(root, 'dist');
if (!check) rmSync(target, { recursive: true, force: true });
for (const e of ENTRIES) {
  const outDir = join(target, relative('dist', e.out));
  run(bin('ncc'), [
    'build',
    e.src,
    '-o',
    outDir,
    '--minify',
    '--no-source-map-register',
    '--quiet',
    '--license',
    'licenses.txt',
  ]);
  // The parse worker (src/manifests/parse-pool.ts) is its own bundle next to the entry: webpack
  // does not bundle worker_threads scripts, and the pool loads `./parse-worker.js` from here.
  const workerDir = mkdtempSync(join(tmpdir(), 'k8s-image-check-worker-'));
  run(bin('ncc'), ['build', '.build/manifests/parse-worker.js', '-o', workerDir, '--minify', '--quiet']);
  writeFileSync(join(outDir, 'parse-worker.js'), readFileSync(join(workerDir, 'index.js')));
  rmSync(workerDir, { recursive: true, force: true });
  // ncc minifies the entry file only; lazily loaded chunks (cluster mode) are minified here.
  for (const f of readdirSync(outDir)) {
    if (f === 'index.js' || !f.endsWith('.js')) continue;
    const path = join(outDir, f);
    const out = await minify(readFileSync(path, 'utf8'), { module: true, mangle: true });
    writeFileSync(path, out.code);
  }
}

if (check) {
  const want = listFiles(target).map((f) => relative(target, f));
  const have = listFiles(join(root, 'dist')).map((f) => relative(join(root, 'dist'), f));
  const problems = [];
  for (const f of new Set([...want, ...have])) {
    const a = existsSync(join(target, f)) ? readFileSync(join(target, f)) : null;
    const b = existsSync(join(root, 'dist', f)) ? readFileSync(join(root, 'dist', f)) : null;
    if (!a) problems.push(`dist/${f} should not exist`);
    else if (!b) problems.push(`dist/${f} is missing`);
    else if (!a.equals(b)) problems.push(`dist/${f} differs`);
  }
  rmSync(target, { recursive: true, force: true });
  if (problems.length) {
    console.error(`dist/ is stale: ${problems.join('; ')}.\nRun "npm run build" and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ is up to date.');
} else {
  console.log('dist/ built.');
}
