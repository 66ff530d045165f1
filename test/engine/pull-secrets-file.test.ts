/**
 * The `pull-secrets-file` setting: Kubernetes pull secrets read from a file and matched per image as the
 * kubelet matches them, against a raw Basic-auth fake registry on 127.0.0.1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { settingsFromArgv } from '../../src/config/from-argv.js';
import { settingsFromInputs } from '../../src/config/from-inputs.js';
import { defaultConfig, resolveConfig } from '../../src/config/resolve.js';
import { createRegistryChecker } from '../../src/engine/registry.js';
import { checkKey, parseReference } from '../../src/image/reference.js';
import type { ImageReference } from '../../src/image/types.js';
import {
  type Fake,
  json,
  MANIFEST_BODY,
  manifest,
  OCI_MANIFEST,
  startFake,
  unauthorized,
} from '../registry/fakes.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const TEAM = { user: 'team-reader', pass: 'team-PASS-1234' };
const ALL = { user: 'any-reader', pass: 'any-PASS-5678' };
const basic = (c: { user: string; pass: string }) => `Basic ${b64(`${c.user}:${c.pass}`)}`;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

/** A registry where `team/*` wants the TEAM credential and everything else the ALL credential. */
async function registry(): Promise<Fake & { auths: string[] }> {
  const auths: string[] = [];
  const f = await startFake((req, res) => {
    if (!req.path.includes('/manifests/'))
      return json(res, 401, unauthorized, { 'www-authenticate': 'Basic realm="r"' });
    auths.push(`${req.path.split('/')[2]} ${req.headers.authorization ?? 'none'}`);
    const want = req.path.startsWith('/v2/team/') ? basic(TEAM) : basic(ALL);
    if (req.headers.authorization !== want)
      return json(res, 401, unauthorized, { 'www-authenticate': 'Basic realm="r"' });
    manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
  });
  cleanup.push(() => f.close());
  return Object.assign(f, { auths });
}

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pull-secrets-file-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

function refOf(raw: string): ImageReference {
  const p = parseReference(raw);
  if (!p.ok) throw new Error(p.error);
  return p.ref;
}

async function run(file: string, images: string[], anonymous = false) {
  const warnings: string[] = [];
  const config = { ...defaultConfig(), pullSecretsFile: file };
  const checker = createRegistryChecker(config, {
    env: {},
    logger: { debug: () => undefined, info: () => undefined, warning: (m) => warnings.push(m) },
    anonymous,
  });
  const refs = images.map(refOf);
  const results = await checker.checkImages(refs.map((r) => ({ key: checkKey(r), ref: r })));
  return { statuses: refs.map((r) => results.get(checkKey(r))?.status), warnings, secrets: checker.secrets };
}

function dockerconfigjson(name: string, auths: Record<string, { user: string; pass: string }>) {
  const map = Object.fromEntries(
    Object.entries(auths).map(([k, c]) => [k, { auth: b64(`${c.user}:${c.pass}`) }]),
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'apps' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths: map })) },
  };
}

describe('pull-secrets-file', () => {
  it('a YAML List as kubectl prints it: each image gets the most specific matching secret first', async () => {
    const reg = await registry();
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        dockerconfigjson('all', { [reg.host]: ALL }),
        dockerconfigjson('team', { [`${reg.host}/team`]: TEAM }),
      ],
    };
    const yaml = stringify(list);
    const file = await tempFile('secrets.yaml', yaml);
    const r = await run(file, [`${reg.host}/team/app:v1`, `${reg.host}/other/app:v1`]);
    expect(r.warnings).toEqual([]);
    expect(r.statuses).toEqual(['available', 'available']);
    // The kubelet's keyring: the path-scoped entry is tried before the host-wide one.
    expect(reg.auths.find((a) => a.startsWith('team Basic'))).toBe(`team ${basic(TEAM)}`);
    expect(reg.auths.filter((a) => a.startsWith('other Basic'))).toEqual([`other ${basic(ALL)}`]);
    expect(r.secrets).toContain(TEAM.pass);
    expect(r.secrets).toContain(ALL.pass);
  });

  it('a JSON dockercfg Secret works too', async () => {
    const reg = await registry();
    const secret = {
      kind: 'Secret',
      metadata: { name: 'legacy' },
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': b64(JSON.stringify({ [reg.host]: { username: ALL.user, password: ALL.pass } })) },
    };
    const file = await tempFile('s.json', JSON.stringify(secret));
    const r = await run(file, [`${reg.host}/other/app:v1`]);
    expect(r.statuses).toEqual(['available']);
  });

  it('a malformed file is a warning naming it; the run goes on anonymously', async () => {
    const reg = await registry();
    const file = await tempFile('bad.yaml', 'kind: Secret\ndata: [\n');
    const r = await run(file, [`${reg.host}/other/app:v1`]);
    expect(r.statuses).toEqual(['authentication_failure']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(`pull-secrets file ${file} is not valid YAML or JSON`);
  });

  it('a missing file is a warning naming it and the setting', async () => {
    const reg = await registry();
    const r = await run('/nonexistent/pull-secrets.yaml', [`${reg.host}/other/app:v1`]);
    expect(r.statuses).toEqual(['authentication_failure']);
    expect(r.warnings).toEqual([
      'cannot read pull-secrets file /nonexistent/pull-secrets.yaml (ENOENT); checking without its pull secrets: fix the pull-secrets-file setting (--pull-secrets-file).',
    ]);
  });

  it('is the pull-secrets-file input and the --pull-secrets-file flag', () => {
    expect(defaultConfig().pullSecretsFile).toBeNull();
    expect(resolveConfig(settingsFromInputs({ 'INPUT_PULL-SECRETS-FILE': 'a.yaml' })).pullSecretsFile).toBe(
      'a.yaml',
    );
    expect(
      resolveConfig(settingsFromArgv(['--pull-secrets-file', 'b.yaml'], 'scan', {}).settings).pullSecretsFile,
    ).toBe('b.yaml');
  });

  it('is not used when credentials are off (fork pull requests)', async () => {
    const reg = await registry();
    const file = await tempFile('s.json', JSON.stringify(dockerconfigjson('all', { [reg.host]: ALL })));
    const r = await run(file, [`${reg.host}/other/app:v1`], true);
    expect(r.statuses).toEqual(['authentication_failure']);
    expect(r.secrets).not.toContain(ALL.pass);
  });
});
