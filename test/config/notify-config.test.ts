/** The notice settings: where they may come from, and that their secret parts are masked. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFromArgv } from '../../src/config/from-argv.js';
import { settingsFromFileText } from '../../src/config/from-file.js';
import { loadActionConfig, loadCliConfig } from '../../src/config/load.js';
import { resolveConfig } from '../../src/config/resolve.js';

const URL_A = 'https://hooks.slack.com/services/T0001ABCD/B0002EFGH/abcdefghijklmnopqrstuvwx';
const URL_B = 'https://u:s3cret-pass@alerts.example.com/hook?token=tok-123456';

describe('notify settings', () => {
  it('never come from the repository config file (a pull request must not choose where the runner posts)', () => {
    expect(() => settingsFromFileText(`notify-urls: ["${URL_A}"]\n`, 'c.yaml')).toThrowError(
      /'notify-urls' cannot be set in c\.yaml/,
    );
    expect(resolveConfig(settingsFromFileText('notify-format: slack\n', 'c.yaml')).notifyFormat).toBe(
      'slack',
    );
  });

  it('CLI: --notify-url repeats, or K8S_IMAGE_CHECK_NOTIFY_URLS holds one per line; json by default', () => {
    const flags = resolveConfig(
      settingsFromArgv(['--notify-url', URL_A, '--notify-url', URL_B], 'cluster', {}).settings,
    );
    expect(flags.notifyUrls).toEqual([URL_A, URL_B]);
    expect(flags.notifyFormat).toBe('json');
    const env = resolveConfig(
      settingsFromArgv([], 'cluster', { K8S_IMAGE_CHECK_NOTIFY_URLS: `${URL_A}\n${URL_B}\n` }).settings,
    );
    expect(env.notifyUrls).toEqual([URL_A, URL_B]);
    expect(() => settingsFromArgv(['--notify-format', 'xml'], 'cluster', {})).not.toThrow();
    expect(() =>
      resolveConfig(settingsFromArgv(['--notify-format', 'xml'], 'cluster', {}).settings),
    ).toThrowError(/json, slack/);
  });

  it('a URL with a comma in its query stays one URL (split on newlines only)', () => {
    const u = 'https://h.example/x?a=1,2';
    expect(resolveConfig(settingsFromArgv(['--notify-url', u], 'cluster', {}).settings).notifyUrls).toEqual([
      u,
    ]);
  });

  it('the action and the CLI register the URLs and their secret parts for masking', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-notify-'));
    const action = await loadActionConfig(
      { INPUT_MODE: 'cluster', 'INPUT_NOTIFY-URLS': `${URL_A}\n${URL_B}` },
      dir,
    );
    for (const part of ['abcdefghijklmnopqrstuvwx', 's3cret-pass', 'tok-123456', URL_B])
      expect(action.secrets).toContain(part);
    expect(action.secrets).not.toContain('alerts.example.com');
    const cli = await loadCliConfig(['--notify-url', URL_B], 'cluster', {}, dir);
    expect(cli.secrets).toEqual(expect.arrayContaining(['s3cret-pass', 'tok-123456', URL_B]));
  });
});
