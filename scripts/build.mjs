// Compiles apps/ and libs/ to dist/ with swc (fast, keeps decorator metadata for Nest DI) and
// rewrites the @kinlink/* path aliases to relative requires. Type checking is `npm run typecheck`.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import swc from '@swc/core';
import { ROOT } from './lib/repo.mjs';

const tsconfig = JSON.parse((await import('node:fs')).readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
const paths = Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths).map(([k, v]) => [k, v.map((p) => `./${p}/index.ts`)]));

function* sources(dir) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* sources(full);
    else if (full.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(full) && !full.endsWith('.d.ts')) yield full;
  }
}

const started = Date.now();
rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
let count = 0;
for (const top of ['apps', 'libs']) {
  for (const file of sources(path.join(ROOT, top))) {
    const out = await swc.transformFile(file, {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        baseUrl: ROOT,
        paths,
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    const target = path.join(ROOT, 'dist', path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, out.code);
    count++;
  }
}
console.log(`[kinlink] built ${count} files into dist/ in ${Date.now() - started} ms`);
