import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedInConfigFile, renderConfigTemplate } from '../../src/commands/init.js';
import { settingsFromFileText } from '../../src/config/from-file.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { OPTIONS } from '../../src/config/schema.js';
import { runCli } from '../helpers/run-cli.js';

/** Uncomments every `# key: value` line (and its indented continuation lines) of the template. */
function uncommentAll(text: string): string {
  const keys = new Set(OPTIONS.map((o) => o.input));
  const out: string[] = [];
  let inValue = false;
  for (const line of text.split('\n')) {
    const m = /^# ([a-z0-9-]+):( .*)?$/.exec(line);
    if (m && keys.has(m[1]!)) {
      out.push(line.slice(2));
      inValue = true;
    } else if (inValue && /^# {2}/.test(line)) out.push(line.slice(2));
    else {
      inValue = false;
      out.push(line);
    }
  }
  return out.join('\n');
}

describe('init', () => {
  const text = renderConfigTemplate();

  it('lists every key the config file may set, and none it may not', () => {
    for (const o of OPTIONS) {
      const listed = new RegExp(`^# ${o.input}:`, 'm').test(text);
      expect(listed, o.input).toBe(allowedInConfigFile(o));
    }
    expect(text).not.toMatch(/^# registry-credentials:/m);
  });

  it('changes nothing as written, and gives the defaults with every line uncommented', () => {
    const defaults = resolveConfig([]);
    expect(resolveConfig(settingsFromFileText(text, 'init'))).toEqual(defaults);
    const all = uncommentAll(text);
    const settings = settingsFromFileText(all, 'init (uncommented)');
    expect(settings.length).toBe(OPTIONS.filter((o) => allowedInConfigFile(o) && o.default !== null).length);
    expect(resolveConfig(settings)).toEqual(defaults);
  });

  it('keeps comment lines within 100 columns', () => {
    for (const line of text.split('\n'))
      if (!/^# [a-z0-9-]+:/.test(line)) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('writes .k8s-image-check.yaml, keeps an existing file without --force, never writes through a symlink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kic-init-'));
    const first = await runCli(['init'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(readFileSync(join(dir, '.k8s-image-check.yaml'), 'utf8')).toBe(text);
    writeFileSync(join(dir, '.k8s-image-check.yaml'), 'fail-on: warning\n');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already; pass --force');
    expect(readFileSync(join(dir, '.k8s-image-check.yaml'), 'utf8')).toBe('fail-on: warning\n');
    expect((await runCli(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, '.k8s-image-check.yaml'), 'utf8')).toBe(text);
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(dir, 'linked.yaml'));
    const linked = await runCli(['init', 'linked.yaml', '--force'], { cwd: dir });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    const stdout = await runCli(['init', '-'], { cwd: dir });
    expect(stdout.stdout).toBe(text);
  });
});
