// Lists the functions in src/ longer than a limit (default 50 lines), longest first, using the TypeScript
// compiler's own parser. `node scripts/function-lengths.mjs [--min 50] [--fail-over 100]` exits 1 when a
// function is longer than --fail-over (the house rule: none over 100 lines).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const min = arg('--min', 50);
const failOver = arg('--fail-over', Number.POSITIVE_INFINITY);

function files(dir) {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function nameOf(node, sf) {
  if (node.name) return node.name.getText(sf);
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText(sf);
  if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
  return '(anonymous)';
}

const rows = [];
for (const file of files(join(root, 'src'))) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > min)
        rows.push({ lines, where: `${relative(root, file)}:${start + 1}`, name: nameOf(node, sf) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
rows.sort((a, b) => b.lines - a.lines);
for (const r of rows) console.log(`${String(r.lines).padStart(4)}  ${r.name}  ${r.where}`);
console.log(
  `${rows.length} function(s) over ${min} lines; ${rows.filter((r) => r.lines > 100).length} over 100.`,
);
if (rows.some((r) => r.lines > failOver)) process.exit(1);
