/**
 * Hostile input end to end through the bundle (`dist/action/index.js`), in PR mode and in cluster mode.
 * fast-check generates hostile strings (workflow commands, CR/LF, `%0A`, `##[`, HTML, links, mentions, ANSI and
 * OSC escapes) and puts them into file names, kinds, names, namespaces, container names, image strings, a
 * registry's error bodies and pod messages. Each run then asserts that no line of stdout or stderr is a
 * workflow command the tool did not intend (and that intended ones are escaped), and that the job summary, the
 * check run and the issue bodies hold no raw HTML, link, comment or live mention from the input. Spawning the
 * bundle is slow, so every run carries many hostile strings and there are few runs.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/cluster/publish/issue-marker.js';
import { INTENDED_COMMANDS } from '../../src/untrusted.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { dumpItems, dumpObjects, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { type FakeServer, startFakeServer } from '../helpers/fake-server.js';
import { hostile, RAW_CONTROL } from '../helpers/hostile.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bundle = process.env.K8S_IMAGE_CHECK_ACTION_BUNDLE ?? join(repoRoot, 'dist/action/index.js');
const fixtures = join(repoRoot, 'fixtures/github');
/** Strings per run: each becomes a file, a workload and an image (PR mode) or several pod messages. */
const PER_RUN = 12;
/** In every run besides the generated ones, so each run is known to carry the classic attacks. */
const FIXED = [
  '::stop-commands::tok',
  'x\n::error::injected',
  '##[group]g',
  '<img src=x> @octocat [a](http://x)',
];
const RUNS = Number(process.env.HOSTILE_RUNS ?? 2);
const SPAWN_TIMEOUT_MS = 50_000;

/** A YAML double-quoted scalar holding exactly `s` (every non-printable-ASCII character as `\uXXXX`). */
function yamlQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c > 0xffff) out += `\\U${c.toString(16).padStart(8, '0')}`;
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** A file name the file system accepts: no `/` or NUL, at most ~200 bytes, unique by its suffix. */
function fileName(s: string, i: number): string {
  let base = s.replace(/[/\u0000]/g, '_');
  while (Buffer.byteLength(base) > 180) base = base.slice(0, -1);
  return `${base}-${i}.yaml`;
}

function manifest(s: string, i: number, registry: string): string {
  return [
    'apiVersion: apps/v1',
    `kind: ${i % 3 === 0 ? yamlQuote(`Deployment${s}`) : 'Deployment'}`,
    'metadata:',
    `  name: ${yamlQuote(s)}`,
    `  namespace: ${yamlQuote(`ns${s}`)}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: ${yamlQuote(`c${s}`)}`,
    `          image: ${yamlQuote(`${registry}/hostile/app${i}:1.0-dirty`)}`,
    `        - name: ${yamlQuote(`d${s}`)}`,
    `          image: ${yamlQuote(`nginx:${s}`)}`,
    '',
  ].join('\n');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
}

async function spawnAction(env: Record<string, string>, cwd: string): Promise<Omit<Run, 'summary'>> {
  const child = spawn(process.execPath, [bundle], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A hung run fails with its log instead of timing the test out silently.
  const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const INTENDED = new Set<string>(INTENDED_COMMANDS);

/** Problems of the log: a command the tool did not intend, a v1 command, or an intended one badly escaped. */
function logProblems(text: string): string[] {
  const problems: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.includes('##[')) problems.push(`v1 command: ${JSON.stringify(line)}`);
    if (!/^[\s\u0085\u180e]*::/.test(line)) continue;
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m || !INTENDED.has(m[1]!)) {
      problems.push(`unintended command: ${JSON.stringify(line)}`);
      continue;
    }
    for (const prop of (m[2] ?? '').split(',').filter(Boolean))
      if (!/^[a-z]+=[^,:]*$/i.test(prop)) problems.push(`badly escaped property: ${JSON.stringify(line)}`);
    if (/%(?!25|0D|0A|3A|2C)/.test(m[3]!)) problems.push(`badly escaped data: ${JSON.stringify(line)}`);
    if (RAW_CONTROL.test(m[3]!)) problems.push(`raw control in data: ${JSON.stringify(line)}`);
  }
  return problems;
}

/** Removes fenced code blocks (their text is literal) so the rest can be checked as rendered Markdown. */
function withoutFences(md: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    if (fence === null) {
      const open = /^(`{3,})/.exec(line);
      if (open) fence = open[1]!;
      else out.push(line);
    } else if (line === fence) fence = null;
  }
  return out.join('\n');
}

/** Our own tags and comments; anything else that reads as HTML came from the input. */
const OWN_HTML =
  /<\/?(code|br|sub)>|<!-- \/?k8s-image-check:status -->|<!-- k8s-image-check:v1 \{[^\n]*?\} -->/g;

function markdownProblems(md: string, allowedLinks: RegExp): string[] {
  const problems: string[] = [];
  const text = withoutFences(md).replace(OWN_HTML, '');
  const tag = /<[a-z!/?][^\n]{0,40}/i.exec(text);
  if (tag) problems.push(`raw HTML: ${JSON.stringify(tag[0])}`);
  for (const link of text.matchAll(/(?<!\\)\]\(([^)\s]*)/g))
    if (!allowedLinks.test(link[1]!)) problems.push(`link: ${link[1]}`);
  const auto = /(?<![\\(])\b(?:https?|ftp):\/\/[^\s)]*/i.exec(text.replace(/\]\([^)\s]*\)/g, ']'));
  if (auto) problems.push(`autolink: ${auto[0]}`);
  const mention = /(?:^|[^\w.+\-\u200b`\\])@[a-z0-9]/i.exec(text);
  if (mention) problems.push(`mention: ${JSON.stringify(mention[0])}`);
  if (RAW_CONTROL.test(text.replaceAll('\n', ''))) problems.push('raw control character');
  return problems;
}

describe('hostile input through the action bundle', () => {
  const temps: string[] = [];
  let registry: FakeServer;
  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run "npm run build" first.`);
    registry = await startFakeServer();
  });
  afterAll(async () => {
    await registry?.close();
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  });

  it('PR mode: no unintended workflow command in the log; summary and check run are inert', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: PER_RUN, maxLength: PER_RUN }), async (generated) => {
        const strings = [...FIXED, ...generated];
        // The registry answers every manifest with an error body quoting a hostile string.
        let n = 0;
        const answer = () => {
          const message = strings[n++ % strings.length]!;
          return n % 2
            ? { status: 403, body: { errors: [{ code: 'DENIED', message, detail: message }] } }
            : { status: 500, headers: { 'content-type': 'text/plain' }, body: message };
        };
        registry.route('GET', '/v2/', () => ({ status: 200, body: {} }));
        registry.route('GET', '/v2/*', answer);
        registry.route('HEAD', '/v2/*', answer);
        const host = new URL(registry.url).host;

        const dir = mkdtempSync(join(tmpdir(), 'kic-hostile-'));
        temps.push(dir);
        const workspace = join(dir, 'repo');
        mkdirSync(workspace);
        strings.forEach((s, i) => {
          writeFileSync(join(workspace, fileName(s, i)), manifest(s, i, host));
        });
        const github = await startFakeGitHub({ readOnlyToken: run % 2 === 1 });
        const summaryFile = join(dir, 'summary.md');
        writeFileSync(summaryFile, '');
        writeFileSync(join(dir, 'output.txt'), '');
        try {
          const res = await spawnAction(
            {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              HOME: dir,
              GITHUB_ACTIONS: 'true',
              GITHUB_WORKSPACE: workspace,
              GITHUB_EVENT_NAME: 'pull_request',
              GITHUB_EVENT_PATH: join(fixtures, 'pull_request.same-repo.json'),
              GITHUB_REPOSITORY: 'acme-shop/shop-deploy',
              GITHUB_SHA: 'e5bd3914e2e596debea16f433f57875b5b90bcd6',
              GITHUB_RUN_ID: '9001',
              GITHUB_SERVER_URL: 'https://github.com',
              GITHUB_API_URL: github.url,
              GITHUB_STEP_SUMMARY: summaryFile,
              GITHUB_OUTPUT: join(dir, 'output.txt'),
              RUNNER_TEMP: dir,
              'INPUT_GITHUB-TOKEN': 'ghs_hostileFakeToken0123456789',
              'INPUT_PLAIN-HTTP-REGISTRIES': host,
              'INPUT_FAIL-ON': 'never',
              INPUT_RETRIES: '0',
            },
            workspace,
          );
          const summary = readFileSync(summaryFile, 'utf8');
          // The run saw the hostile files (each is a finding) and wrote its report.
          expect(res.code, res.stderr).toBe(0);
          expect(summary).toContain('## k8s-image-check');
          expect(logProblems(res.stdout)).toEqual([]);
          expect(logProblems(res.stderr)).toEqual([]);
          // The file named `::stop-commands::tok-0.yaml` was printed (neutralised), not obeyed.
          expect(res.stdout).toContain('\u200b::stop-commands::tok-0.yaml');
          const links = /^(https:\/\/github\.com\/acme-shop\/shop-deploy\/|http:\/\/127\.0\.0\.1:\d+\/)/;
          expect(markdownProblems(summary, links)).toEqual([]);
          const checkRun = github.state.checkRuns[0];
          if (run % 2 === 0) {
            expect(checkRun?.annotations.length).toBeGreaterThanOrEqual(PER_RUN);
            expect(markdownProblems(checkRun?.output.summary ?? '', links)).toEqual([]);
            expect(markdownProblems(checkRun?.output.text ?? '', links)).toEqual([]);
            for (const a of checkRun?.annotations ?? []) {
              expect(String(a.message)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
              expect(String(a.title)).not.toMatch(RAW_CONTROL);
            }
          } else {
            // Fallback: the findings are the tool's own `::error`/`::warning` lines, checked above.
            expect(checkRun).toBeUndefined();
            expect(res.stdout).toMatch(/^::(error|warning) file=/m);
          }
        } finally {
          run++;
          await github.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);

  it('cluster mode: pod messages cannot command the runner or forge issues', async () => {
    const pods = dumpItems<Record<string, unknown>>('pods.json');
    let kube: FakeKube | undefined;
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(hostile, { minLength: PER_RUN, maxLength: PER_RUN }), async (generated) => {
          const strings = [...FIXED, ...generated];
          // Every `message` field of every pod (container states, conditions, the pod itself) is hostile.
          let n = 0;
          const hostilePods = structuredClone(pods).map((p) => {
            const walk = (o: unknown): void => {
              if (!o || typeof o !== 'object') return;
              for (const [k, v] of Object.entries(o)) {
                if (k === 'message' && typeof v === 'string')
                  (o as Record<string, unknown>)[k] = `x${strings[n++ % strings.length]}`;
                else walk(v);
              }
            };
            walk(p.status);
            return p;
          });
          await kube?.close();
          kube = await startFakeKube({ objects: dumpObjects({ pods: hostilePods }) });
          const github = await startFakeGitHub({});
          const dir = mkdtempSync(join(tmpdir(), 'kic-hostile-cluster-'));
          temps.push(dir);
          const workspace = join(dir, 'repo');
          mkdirSync(workspace);
          cpSync(join(repoRoot, 'fixtures/cluster/manifests'), join(workspace, 'deploy'), {
            recursive: true,
          });
          writeFileSync(join(dir, 'event.json'), JSON.stringify({ schedule: '*/30 * * * *' }));
          const summaryFile = join(dir, 'summary.md');
          writeFileSync(summaryFile, '');
          writeFileSync(join(dir, 'output.txt'), '');
          try {
            const res = await spawnAction(
              {
                PATH: process.env.PATH ?? '/usr/bin:/bin',
                HOME: dir,
                GITHUB_ACTIONS: 'true',
                GITHUB_WORKSPACE: workspace,
                GITHUB_EVENT_NAME: 'schedule',
                GITHUB_EVENT_PATH: join(dir, 'event.json'),
                GITHUB_REPOSITORY: 'acme/ops',
                GITHUB_SHA: 'a'.repeat(40),
                GITHUB_RUN_ID: '77',
                GITHUB_SERVER_URL: 'https://github.com',
                GITHUB_API_URL: github.url,
                GITHUB_STEP_SUMMARY: summaryFile,
                GITHUB_OUTPUT: join(dir, 'output.txt'),
                'INPUT_GITHUB-TOKEN': 'ghs_clusterHostileToken',
                INPUT_MODE: 'cluster',
                INPUT_MANIFESTS: 'deploy',
                'INPUT_DEFAULT-NAMESPACE': 'shop',
                'INPUT_CLUSTER-NAME': 'prod',
                INPUT_OFFLINE: 'true',
                INPUT_NOW: '2026-03-10T12:00:00Z',
                'INPUT_FAIL-ON': 'never',
                'INPUT_MAX-ISSUES-PER-RUN': '2',
                INPUT_KUBECONFIG: kube.kubeconfig('token'),
              },
              workspace,
            );
            expect(res.code, res.stdout + res.stderr).toBe(0);
            expect(logProblems(res.stdout)).toEqual([]);
            expect(logProblems(res.stderr)).toEqual([]);
            // The hostile messages did reach the log (escaped), so the check above saw them.
            expect(res.stdout).toContain('x\\n::error::injected');
            const summary = readFileSync(summaryFile, 'utf8');
            const links = /^https:\/\/github\.com\/acme\/ops\/|^http:\/\/127\.0\.0\.1:\d+\//;
            expect(markdownProblems(summary, links)).toEqual([]);
            const issues = github.state.issues;
            expect(issues.length).toBeGreaterThan(0);
            for (const issue of issues) {
              const body = issue.body ?? '';
              expect(markdownProblems(body, links)).toEqual([]);
              expect(body.split('<!-- k8s-image-check:v1 ').length).toBe(2);
              expect(parseMarker(body)?.cluster).toBe('prod');
              expect(issue.title).not.toMatch(RAW_CONTROL);
            }
            for (const c of github.state.comments) expect(markdownProblems(c.body, links)).toEqual([]);
          } finally {
            run++;
            await github.close();
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    } finally {
      await kube?.close();
    }
    expect(run).toBe(RUNS);
  }, 120_000);
});
