import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The master key (key-encryption key): `MASTER_KEY`, 32 bytes in base64, from configuration or a
 * secret store. Required in production. In development and tests, when unset, a key is generated
 * once into `<repo>/.run/master-key/master.key` (git-ignored) and shared by every local service.
 */
export function loadMasterKey(env: { MASTER_KEY?: string; NODE_ENV?: string }, root = repoRoot()): Buffer {
  if (env.MASTER_KEY) return decodeMasterKey(env.MASTER_KEY);
  if (env.NODE_ENV === 'production') throw new Error('MASTER_KEY is required in production');
  const file = path.join(root, '.run', 'master-key', 'master.key');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': of services starting together, one creates it and the others read it
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  for (let i = 0; ; i++) {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (text || i > 50) return decodeMasterKey(text);
  }
}

export function decodeMasterKey(b64: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== 32) throw new Error('MASTER_KEY must be 32 bytes, base64-encoded');
  return key;
}

function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kinlink') return dir;
      } catch { /* keep climbing */ }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
