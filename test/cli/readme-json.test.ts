/** The README's JSON sections name exactly the keys the real `scan --format json` and offline drift print. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');

/** The keys of the README's `## JSON report` example object at one nesting, in order of appearance. */
function exampleKeys(block: string, pattern: RegExp): string[] {
  return [...block.matchAll(pattern)].map((m) => m[1] ?? '');
}

describe('README JSON sections match the real output', () => {
  it('scan --format json: every use key and finding key of the example is in the real report', async () => {
    const r = await runCli(['scan', 'fixtures/examples/shop', '--offline', '--format', 'json'], {
      cwd: repo,
      env: {},
    });
    const report = JSON.parse(r.stdout);
    const section = readme.slice(readme.indexOf('## JSON report (schemaVersion 1)'));
    const block = section.slice(section.indexOf('```json'), section.indexOf('```\n', 10));
    const useBlock = block.slice(block.indexOf('"uses"'), block.indexOf(']', block.indexOf('"uses"')));
    const useKeys = exampleKeys(useBlock, /"(\w+)":/g).filter((k) => k !== 'uses');
    const realUse = report.images[0].uses[0];
    expect(useKeys).toEqual(Object.keys(realUse));
    expect(useKeys).toContain('document');
    const findingBlock = block.slice(block.indexOf('"findings"'), block.indexOf('"files"'));
    const findingKeys = exampleKeys(findingBlock, /"(\w+)":/g).filter((k) => k !== 'findings');
    const real = report.findings.find((f: { endColumn?: number }) => f.endColumn !== undefined);
    for (const k of findingKeys) expect(Object.keys(real), k).toContain(k);
    const top = exampleKeys(block, /^ {2}"(\w+)":/gm);
    expect(top).toEqual(Object.keys(report).filter((k) => k !== 'views'));
  });

  it('drift --format json from dumps offline: the top-level keys the README lists', async () => {
    const r = await runCli(
      [
        'drift',
        '--format',
        'json',
        '--offline',
        '--pods-file',
        'fixtures/cluster/dump/pods.json',
        '--objects-file',
        'fixtures/cluster/dump/objects.json',
        '--manifests',
        'fixtures/cluster/manifests',
      ],
      { cwd: repo, env: {} },
    );
    const report = JSON.parse(r.stdout);
    const line = readme.slice(readme.indexOf('`{"schemaVersion":1, "cluster"'));
    const listed = exampleKeys(line.slice(0, line.indexOf('}`')), /"(\w+)"/g);
    expect(listed).toEqual(Object.keys(report));
    // The README says `images` is absent offline; it is.
    expect(report).not.toHaveProperty('images');
  });
});
