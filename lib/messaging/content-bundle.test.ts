import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The content script loads on every EHR page (budget: scripts/bench/bundle-sizes.ts). Classic
 * zod alone is ~17 kB of it gzipped, so the content script's modules use `zod/mini` (same core,
 * interoperable schemas). One classic import anywhere in its module graph brings all of classic
 * zod back: this test walks that graph and names the module that did it.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CONTENT_ENTRY = join(ROOT, 'entrypoints/ehr.content/index.ts');
const CLASSIC_ZOD = /^zod(?:\/v4(?:\/classic)?|\/v3)?$/;

/** Module specifiers a file imports at run time. `import type` is erased; `import { type X }` is kept (verbatimModuleSyntax). */
export function runtimeImports(source: string, fileName = 'x.ts'): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (node.importClause?.phaseModifier !== ts.SyntaxKind.TypeKeyword) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) out.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = spec.startsWith('@/') ? join(ROOT, spec.slice(2)) : spec.startsWith('.') ? resolve(dirname(from), spec) : undefined;
  if (!base) return undefined;
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

const graphs = new Map<string, Map<string, string[]>>();

/** Every project module the entry loads at run time, each with the packages it imports. */
function moduleGraph(entry: string): Map<string, string[]> {
  const known = graphs.get(entry);
  if (known) return known;
  const graph = new Map<string, string[]>();
  graphs.set(entry, graph);
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (graph.has(file)) continue;
    const packages: string[] = [];
    graph.set(file, packages);
    for (const spec of runtimeImports(readFileSync(file, 'utf8'), file)) {
      const local = resolveLocal(file, spec);
      if (local) queue.push(local);
      else if (!spec.startsWith('.') && !spec.startsWith('@/')) packages.push(spec);
      else throw new Error(`${relative(ROOT, file)}: cannot resolve ${spec}`);
    }
  }
  return graph;
}

function classicZodImporters(entry: string): string[] {
  return [...moduleGraph(entry)].filter(([, pkgs]) => pkgs.some((p) => CLASSIC_ZOD.test(p))).map(([f]) => relative(ROOT, f)).sort();
}

describe('the content script does not load classic zod', () => {
  it('no module the content script loads imports "zod" (use "zod/mini", or "import type")', () => {
    expect(classicZodImporters(CONTENT_ENTRY)).toEqual([]);
  });

  it('walks the whole graph: it reaches the schemas, the prompt and the drug catalogue, not the full protocol', () => {
    const files = [...moduleGraph(CONTENT_ENTRY).keys()].map((f) => relative(ROOT, f));
    expect(files).toEqual(expect.arrayContaining(['lib/messaging/content-protocol.ts', 'lib/ehr/prompt.ts', 'lib/drugs/catalogue.ts', 'lib/rules/decision.ts', 'lib/zod-config.ts']));
    expect(files).not.toContain('lib/messaging/protocol.ts');
    expect(files).not.toContain('lib/messaging/client.ts');
  });

  it('would notice classic zod: the background loads it, through the full protocol', () => {
    expect(classicZodImporters(join(ROOT, 'entrypoints/background/index.ts'))).toContain('lib/messaging/protocol.ts');
  });

  it.each([
    ["import { z } from 'zod';", ['zod']],
    ["import type { z } from 'zod';", []],
    ["import { type Foo } from './foo';", ['./foo']],
    ["export { a } from './a';\nexport type { B } from './b';", ['./a']],
    ["import './side-effect';\nconst m = import('./lazy');", ['./side-effect', './lazy']],
  ])('reads the run-time imports of %j', (source, expected) => {
    expect(runtimeImports(source)).toEqual(expected);
  });

  it('classic zod is any spelling of the classic entry, never mini or core', () => {
    expect(['zod', 'zod/v4', 'zod/v4/classic', 'zod/v3'].every((s) => CLASSIC_ZOD.test(s))).toBe(true);
    expect(['zod/mini', 'zod/v4/mini', 'zod/v4/core', 'zod-foo'].some((s) => CLASSIC_ZOD.test(s))).toBe(false);
  });
});
