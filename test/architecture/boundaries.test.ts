/**
 * Import boundaries between the layers of src/ (docs/architecture.md#layers), checked the way
 * go-containerregistry's depcheck_test.go checks its packages: every import of every src/ file is read
 * with TypeScript's own parser (static imports, re-exports and `import('…')`), mapped to a layer, and
 * checked against the rules below.
 *
 * Where today's code breaks a rule that issue 11 wants fixed, the edge is listed in KNOWN_VIOLATIONS
 * with the reason. The test fails on any violation not in that list, and also on any listed violation
 * that no longer exists, so the list can only shrink, and it shrinks in the same commit as the fix.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

type Layer =
  | 'shared'
  | 'image'
  | 'registry'
  | 'manifests'
  | 'cluster'
  | 'report'
  | 'github'
  | 'config'
  | 'engine'
  | 'commands'
  | 'entry';

/** Top-level helpers every layer may use: the secrets redactor, the linear-time regex wrapper, the version. */
const SHARED_FILES = new Set([
  'secrets.ts',
  'safe-regex.ts',
  'untrusted.ts',
  'errors.ts',
  'severity.ts',
  'yaml.ts',
  'limit.ts',
  'glob.ts',
  'version.ts',
]);
/** Entry files (ncc bundles `action-main.ts` and `cli-main.ts`; the others are what they dispatch to). */
const ENTRY_FILE = /^(action|cli)(-[a-z]+)?\.ts$/;

interface Import {
  /** Importing file, relative to src/ (`cluster/notify.ts`). */
  from: string;
  /** A file relative to src/ for our modules, or the package name. */
  to: string;
  typeOnly: boolean;
  local: boolean;
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listSources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function layerOf(file: string): Layer {
  const [first, ...rest] = file.split('/');
  if (rest.length === 0) {
    if (SHARED_FILES.has(first!)) return 'shared';
    if (ENTRY_FILE.test(first!)) return 'entry';
    throw new Error(`src/${file}: a top-level file must be an entry or a listed shared helper`);
  }
  const layers: Layer[] = [
    'image',
    'registry',
    'manifests',
    'cluster',
    'report',
    'github',
    'config',
    'engine',
    'commands',
  ];
  if ((layers as string[]).includes(first!)) return first as Layer;
  throw new Error(`src/${file}: unknown layer ${first}/ (add it to the rules and docs/architecture.md)`);
}

function isTypeOnlyImport(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const ex = node.exportClause;
    return !!ex && ts.isNamedExports(ex) && ex.elements.length > 0 && ex.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    !!bindings &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

function importsOf(abs: string): Import[] {
  const from = relative(SRC, abs);
  const text = readFileSync(abs, 'utf8');
  const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    const local = spec.startsWith('.');
    const to = local
      ? relative(SRC, resolve(dirname(abs), spec)).replace(/\.js$/, '.ts')
      : spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0]!;
    found.push({ from, to, typeOnly, local });
  };
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node));
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) add(arg.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Layers of ours each layer may import (its own layer and `shared` always). */
const ALLOWED: Record<Layer, Layer[]> = {
  shared: [],
  image: [],
  registry: ['image'],
  manifests: ['image'],
  github: [],
  // cluster/ reads the live state; it may name registry and manifests types (checked separately below).
  cluster: ['image', 'manifests', 'registry'],
  // report/ renders findings: the findings model (image, manifests, registry) and the GitHub error helpers.
  report: ['image', 'manifests', 'registry', 'github'],
  // config/ parses settings; it may use the vocabularies it validates (rule ids, severities, statuses).
  config: ['image', 'registry', 'report'],
  engine: ['image', 'registry', 'manifests', 'cluster', 'report', 'github', 'config'],
  commands: ['image', 'registry', 'manifests', 'cluster', 'report', 'github', 'config', 'engine', 'commands'],
  entry: [
    'image',
    'registry',
    'manifests',
    'cluster',
    'report',
    'github',
    'config',
    'engine',
    'commands',
    'entry',
  ],
};

/** Packages only some layers may import. */
const PACKAGE_OWNERS: Record<string, Layer[]> = {
  // The runner's toolkit is I/O of the action: only entry files and the CLI commands touch it.
  '@actions/core': ['entry', 'commands'],
  '@actions/github': ['entry', 'commands'],
  // The Kubernetes client is the cluster adapter's business.
  '@kubernetes/client-node': ['cluster'],
};

/** Returns the rule an import breaks, or null. */
function violation(imp: Import): string | null {
  const fromLayer = layerOf(imp.from);
  if (!imp.local) {
    const owners = PACKAGE_OWNERS[imp.to];
    return owners && !owners.includes(fromLayer) ? `${imp.to} is only for ${owners.join(', ')}` : null;
  }
  if (imp.to.startsWith('..')) return 'src/ must not import from outside src/ (test/, scripts/, bench/)';
  const toLayer = layerOf(imp.to);
  if (toLayer === fromLayer || toLayer === 'shared') {
    if (fromLayer === 'entry' && toLayer === 'entry') return entryToEntry(imp);
    return null;
  }
  if (toLayer === 'entry') return 'nothing but an entry file imports an entry file';
  if (!ALLOWED[fromLayer].includes(toLayer)) return `${fromLayer}/ must not import ${toLayer}/`;
  if (fromLayer === 'cluster' && toLayer === 'manifests' && !imp.typeOnly)
    return 'cluster/ may import only types from manifests/';
  if (fromLayer === 'cluster' && toLayer === 'registry' && imp.to !== 'registry/types.ts' && !imp.typeOnly)
    return 'cluster/ may import only registry/types.ts (the status vocabulary) and types from registry/';
  // The Pushgateway adapter is I/O: the composing layers call it, and the notices read their state back.
  if (
    imp.to === 'cluster/publish/pushgateway.ts' &&
    !['engine', 'commands', 'entry'].includes(fromLayer) &&
    !imp.from.startsWith('cluster/notify') &&
    !imp.from.startsWith('cluster/publish/')
  )
    return 'only the composing layers (and the notices) may call the Pushgateway adapter';
  if (imp.from === 'engine/drift.ts' && toLayer === 'report' && imp.to !== 'report/rules.ts')
    return 'engine/drift.ts computes drift from inputs; it must not read them through report/';
  if (fromLayer === 'entry' && /^action/.test(imp.from) && toLayer === 'commands')
    return 'action entries must not import CLI commands (shared decisions belong in engine/ or report/)';
  return null;
}

/**
 * Launchers import the entry they dispatch to; the action's dispatcher imports its modes; `action-io.ts` is the
 * action's one I/O module (log writers, failRun, outputs) that every action file shares. Entries do not import
 * each other otherwise (the action never imports the CLI).
 */
function entryToEntry(imp: Import): string | null {
  const launchers: Record<string, string[]> = {
    'action-main.ts': ['action.ts', 'action-cluster.ts', 'action-io.ts'],
    'action.ts': ['action-pr.ts', 'action-io.ts'],
    'action-pr.ts': ['action-io.ts'],
    'action-cluster.ts': ['action-io.ts'],
    'cli-main.ts': ['cli.ts'],
  };
  return launchers[imp.from]?.includes(imp.to)
    ? null
    : 'entry files do not import each other (only the launchers)';
}

/**
 * Edges that break a rule today, with why, as `from -> to`. Issue 11 moves cluster publishing out of
 * report/, gives cluster/ its own logger and notify types, and thins the entries; each fix removes its
 * lines here. Do not add to this list: fix the import, or change the rule (and docs/architecture.md).
 */
const KNOWN_VIOLATIONS = new Set<string>([
  // engine/drift.ts builds a KubeConfig itself instead of asking cluster/kube.ts.
  'engine/drift.ts -> @kubernetes/client-node',
  // Notifications take the whole config, the engine's logger type and the registry's address guard.
  'cluster/notify-deliver.ts -> config/schema.ts',
  'cluster/notify-deliver.ts -> engine/scan.ts',
  'cluster/notify-deliver.ts -> registry/client.ts',
  'cluster/notify-deliver.ts -> registry/policy.ts',
  'cluster/notify-format.ts -> config/schema.ts',
  'cluster/notify.ts -> config/schema.ts',
  'cluster/notify.ts -> engine/scan.ts',
  // config/load.ts registers notify URL parts as secrets through the cluster notifier.
  'config/load.ts -> cluster/notify-deliver.ts',
  // Cluster publishing (now under cluster/publish/) tells network failures from permission errors with the
  // GitHub client's helpers, and takes the Pushgateway settings as the Config type.
  'cluster/publish/issues-publish.ts -> github/octokit.ts',
  'cluster/publish/pushgateway.ts -> config/schema.ts',
  // The cluster action still imports a CLI command (fail policy and issue counts of drift).
  'action-cluster.ts -> commands/drift.ts',
]);

/** Modules no entry reaches today, with why (issue 11 "dead and parallel paths"). */
const KNOWN_ORPHANS = new Set<string>([]);

const FILES = listSources(SRC);
const IMPORTS = FILES.flatMap(importsOf);

describe('import boundaries of src/', () => {
  it('every src/ file belongs to a known layer', () => {
    for (const f of FILES) expect(() => layerOf(relative(SRC, f))).not.toThrow();
  });

  it('reads imports of every kind (sanity check of the parser)', () => {
    const notify = IMPORTS.filter((i) => i.from === 'cluster/notify.ts').map((i) => i.to);
    expect(notify).toContain('cluster/publish/pushgateway.ts');
    expect(IMPORTS.some((i) => i.to === '@actions/core')).toBe(true);
    expect(IMPORTS.some((i) => i.typeOnly) && IMPORTS.some((i) => !i.typeOnly && i.local)).toBe(true);
  });

  it('no layer imports one it must not (beyond the known violations)', () => {
    const found = new Map<string, string>();
    for (const imp of IMPORTS) {
      const why = violation(imp);
      if (why) found.set(`${imp.from} -> ${imp.to}`, why);
    }
    const unexpected = [...found]
      .filter(([edge]) => !KNOWN_VIOLATIONS.has(edge))
      .map(([e, why]) => `${e}: ${why}`);
    expect(unexpected, 'new boundary violations').toEqual([]);
    const fixed = [...KNOWN_VIOLATIONS].filter((edge) => !found.has(edge));
    expect(fixed, 'fixed violations still in KNOWN_VIOLATIONS: delete these lines').toEqual([]);
  });

  it('every src/ file is reachable from an entry (no orphan modules)', () => {
    const graph = new Map<string, string[]>();
    for (const imp of IMPORTS) {
      if (!imp.local) continue;
      graph.set(imp.from, [...(graph.get(imp.from) ?? []), imp.to]);
    }
    const seen = new Set<string>();
    // The parse worker is bundled as an entry of its own (scripts/build.mjs) and started by parse-pool.ts.
    const stack = ['action-main.ts', 'cli-main.ts', 'manifests/parse-worker.ts'];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(graph.get(f) ?? []));
    }
    const orphans = FILES.map((f) => relative(SRC, f)).filter((f) => !seen.has(f) && !KNOWN_ORPHANS.has(f));
    expect(orphans, 'modules no entry reaches').toEqual([]);
    const reached = [...KNOWN_ORPHANS].filter((f) => seen.has(f));
    expect(reached, 'no longer orphans: delete from KNOWN_ORPHANS').toEqual([]);
  });
});
