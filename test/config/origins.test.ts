import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadActionConfig, loadCliConfig } from '../../src/config/load.js';
import { originOf } from '../../src/config/resolve.js';
import { OPTIONS } from '../../src/config/schema.js';

describe('the resolved configuration carries where each setting came from', () => {
  it('flag, environment, config file, or default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-origins-'));
    await writeFile(join(dir, '.k8s-image-check.yaml'), 'issue-label: from-file\n');
    const loaded = await loadCliConfig(
      ['--issues', '--cluster-name', 'lab'],
      'cluster',
      { K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS: '{}' },
      dir,
    );
    expect(loaded.origins.issues).toEqual({ source: 'flag', label: '--issues' });
    expect(loaded.origins.registryCredentials).toEqual({
      source: 'env',
      label: 'environment variable K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS',
    });
    expect(loaded.origins.issueLabel).toEqual({
      source: 'file',
      label: "'issue-label' in .k8s-image-check.yaml",
    });
    expect(originOf(loaded.origins, 'dryRun')).toEqual({ source: 'default', label: 'dry-run' });
  });

  it('inputs in the action', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-origins-'));
    const loaded = await loadActionConfig({ 'INPUT_FAIL-ON': 'warning' }, dir);
    expect(loaded.origins.failOn).toEqual({ source: 'input', label: "input 'fail-on'" });
    expect(loaded.origins.mode).toBeUndefined();
  });

  it('CLI-only settings are marked in the table, not in the doc generator', () => {
    expect(OPTIONS.filter((o) => o.cliOnly).map((o) => o.key)).toEqual([
      'format',
      'output',
      'quiet',
      'summaryOnly',
    ]);
  });
});
