import { describe, expect, it } from 'vitest';
import { useColor } from '../../src/commands/scan.js';
import { runCli } from '../helpers/run-cli.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const ESC = '\u001b[';

describe('useColor', () => {
  it('colours a terminal, not a pipe, and never a file', () => {
    expect(useColor({ env: {}, isTTY: true, toFile: false })).toBe(true);
    expect(useColor({ env: {}, isTTY: false, toFile: false })).toBe(false);
    expect(useColor({ env: { FORCE_COLOR: '1' }, isTTY: true, toFile: true })).toBe(false);
  });

  it('honours NO_COLOR (non-empty) and FORCE_COLOR, which wins over it', () => {
    expect(useColor({ env: { NO_COLOR: '1' }, isTTY: true, toFile: false })).toBe(false);
    expect(useColor({ env: { NO_COLOR: '' }, isTTY: true, toFile: false })).toBe(true);
    expect(useColor({ env: { FORCE_COLOR: '1' }, isTTY: false, toFile: false })).toBe(true);
    expect(useColor({ env: { FORCE_COLOR: '' }, isTTY: false, toFile: false })).toBe(true);
    expect(useColor({ env: { FORCE_COLOR: '0' }, isTTY: true, toFile: false })).toBe(false);
    expect(useColor({ env: { FORCE_COLOR: 'false' }, isTTY: true, toFile: false })).toBe(false);
    expect(useColor({ env: { FORCE_COLOR: '1', NO_COLOR: '1' }, isTTY: false, toFile: false })).toBe(true);
  });
});

describe('scan text output and FORCE_COLOR', () => {
  const scan = (env: Record<string, string>) =>
    runCli(['scan', 'fixtures/manifests', '--offline', '--format', 'text'], { cwd: ROOT, env });

  it('colours the report on a pipe with FORCE_COLOR=1 and not without it', async () => {
    const forced = await scan({ FORCE_COLOR: '1' });
    const plain = await scan({});
    expect(forced.stdout).toContain(ESC);
    expect(plain.stdout).not.toContain(ESC);
    // Same report, only the colours differ.
    expect(forced.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain.stdout);
  });
});
