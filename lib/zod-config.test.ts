import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { util } from 'zod/v4/core';
import { zodIsJitless } from './zod-config';

const ROOT = resolve(import.meta.dirname, '..');

/** Every WXT entrypoint file: entrypoints/<name>.ts(x) and entrypoints/<name>/{index,main}.ts(x). */
function entrypointFiles(): string[] {
  const dir = join(ROOT, 'entrypoints');
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      for (const inner of readdirSync(path)) if (/^(index|main)\.tsx?$/.test(inner)) files.push(join(path, inner));
    } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) {
      files.push(path);
    }
  }
  return files;
}

/** The module specifier of a file's first import statement. */
function firstImport(source: string): string | undefined {
  return /^\s*import\s+(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/m.exec(source)?.[1];
}

describe('zod runs without the Function constructor in the extension', () => {
  const original = globalThis.Function;
  afterEach(() => {
    globalThis.Function = original;
  });

  it('sets jitless, so zod never probes for eval', () => {
    expect(zodIsJitless()).toBe(true);
    expect(util.allowsEval.value).toBe(false);
  });

  it('builds and parses an object schema without constructing a Function', () => {
    let constructed = 0;
    globalThis.Function = new Proxy(original, {
      construct(target, args: string[]) {
        constructed++;
        return Reflect.construct(target, args);
      },
    });
    const Patient = z.object({ name: z.string(), age: z.number().int(), tags: z.array(z.object({ code: z.string() })) });
    for (let i = 0; i < 3; i++) expect(Patient.parse({ name: 'Synthetic Person', age: 40, tags: [{ code: 'x' }] }).age).toBe(40);
    expect(Patient.safeParse({ name: 'Synthetic Person', age: 'forty', tags: [] }).error?.issues[0]?.path).toEqual(['age']);
    expect(constructed).toBe(0);
  });

  it('the counting check would notice the Function constructor', () => {
    let constructed = 0;
    globalThis.Function = new Proxy(original, {
      construct(target, args: string[]) {
        constructed++;
        return Reflect.construct(target, args);
      },
    });
    const F = globalThis.Function;
    expect(typeof new F('return 1')).toBe('function');
    expect(constructed).toBe(1);
  });

  it('is the first import of every entrypoint (object schemas read the flag when they are built)', () => {
    const files = entrypointFiles();
    expect(files.map((f) => f.slice(ROOT.length + 1)).sort()).toEqual(
      expect.arrayContaining(['entrypoints/background/index.ts', 'entrypoints/ehr-mapper.ts', 'entrypoints/ehr.content/index.ts', 'entrypoints/options/main.tsx', 'entrypoints/sidepanel/main.tsx']),
    );
    for (const file of files) expect([file, firstImport(readFileSync(file, 'utf8'))]).toEqual([file, '@/lib/zod-config']);
  });

  it('reads the first import of a file, side-effect or named', () => {
    expect(firstImport("// note\nimport { a } from './a';\nimport './b';")).toBe('./a');
    expect(firstImport("import './b';\nimport { a } from './a';")).toBe('./b');
    expect(firstImport('const x = 1;')).toBeUndefined();
  });
});
