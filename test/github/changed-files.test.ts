import { afterEach, describe, expect, it } from 'vitest';
import { listChangedFiles, MAX_PULL_REQUEST_FILES } from '../../src/github/changed-files.js';
import { createOctokit } from '../../src/github/octokit.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';

describe('listChangedFiles', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });

  it('follows Link pagination 100 per page and returns sorted paths', async () => {
    const files = Array.from(
      { length: 250 },
      (_, i) => `deploy/svc-${String(i).padStart(3, '0')}.yaml`,
    ).reverse();
    gh = await startFakeGitHub({ prFiles: { 42: files } });
    const octokit = createOctokit({ token: 't', baseUrl: gh.url });
    const out = await listChangedFiles(octokit, { owner: 'acme-shop', repo: 'shop-deploy', number: 42 });
    expect(out.truncated).toBe(false);
    expect(out.files).toHaveLength(250);
    expect(out.files[0]).toBe('deploy/svc-000.yaml');
    const gets = gh.server.requests.filter((r) => r.path === '/repos/acme-shop/shop-deploy/pulls/42/files');
    expect(gets.map((r) => `${r.query.get('per_page')}/${r.query.get('page') ?? '1'}`)).toEqual([
      '100/1',
      '100/2',
      '100/3',
    ]);
    expect(gh.server.unmatched).toEqual([]);
  });

  it('marks the list truncated at the API cap of 3000 files', async () => {
    gh = await startFakeGitHub({ prFiles: Array.from({ length: 3100 }, (_, i) => `f${i}.yaml`) });
    const out = await listChangedFiles(createOctokit({ token: 't', baseUrl: gh.url }), {
      owner: 'o',
      repo: 'r',
      number: 7,
    });
    expect(MAX_PULL_REQUEST_FILES).toBe(3000);
    expect(out.files).toHaveLength(3000);
    expect(out.truncated).toBe(true);
  });
});
