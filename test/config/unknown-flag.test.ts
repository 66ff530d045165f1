import { describe, expect, it } from 'vitest';
import { settingsFromArgv } from '../../src/config/from-argv.js';
import { runCli } from '../helpers/run-cli.js';

const messageOf = (argv: string[], mode: 'scan' | 'cluster' = 'scan'): string => {
  try {
    settingsFromArgv(argv, mode, {});
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return '';
};

describe('unknown CLI flags', () => {
  it('suggests the closest flag of the command for a typo', () => {
    expect(messageOf(['--fial-on', 'error'])).toBe(
      'unknown flag --fial-on (did you mean --fail-on?). Run with --help to list the flags.',
    );
    expect(messageOf(['--ofline'])).toContain('(did you mean --offline?)');
    expect(messageOf(['--no-ofline'])).toContain('(did you mean --no-offline?)');
    expect(messageOf(['--cluster-nmae', 'x'], 'cluster')).toContain('(did you mean --cluster-name?)');
  });

  it('names the other command when the flag is one of its options', () => {
    expect(messageOf(['--cluster-name', 'x'])).toBe(
      'unknown flag --cluster-name for scan: it is an option of "k8s-image-check drift".',
    );
    expect(messageOf(['--sarif-file', 'x'], 'cluster')).toContain('option of "k8s-image-check scan"');
  });

  it('points a secret flag at its environment variable', () => {
    expect(messageOf(['--registry-credentials', 'x'])).toContain(
      'read from the environment variable K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS',
    );
  });

  it('suggests nothing for an unrelated flag', () => {
    expect(messageOf(['--nope'])).toBe('unknown flag --nope. Run with --help to list the flags.');
  });

  it('reaches the user as one line and exit code 2', async () => {
    const { code, stderr } = await runCli(['scan', '--exclued', 'x'], { cwd: process.cwd() });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'k8s-image-check: unknown flag --exclued (did you mean --exclude?). Run with --help to list the flags.\n',
    );
  });
});
