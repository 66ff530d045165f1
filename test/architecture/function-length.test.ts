/** The house rule from issue 11: no function in src/ over 100 lines (scripts/function-lengths.mjs measures). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/function-lengths.mjs', import.meta.url));

describe('function length', () => {
  it('no function in src/ is longer than 100 lines', () => {
    const run = spawnSync(process.execPath, [script, '--min', '100', '--fail-over', '100'], {
      encoding: 'utf8',
    });
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^0 function\(s\) over 100 lines/);
    expect(run.status, run.stdout).toBe(0);
  });
});
