import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest ancestor of this file with Kinlink's package.json (not the cwd). */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kinlink') return dir;
      } catch {
        // unreadable package.json: keep climbing
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the Kinlink repository root above ${from}`);
    dir = parent;
  }
}

/** Where development keys live: `<repo>/.run/dev-keys` (git-ignored). */
export function devSecretsDir(): string {
  return path.join(repoRoot(), '.run', 'dev-keys');
}

/**
 * Reads a development secret, creating it with `create()` on first use. Never in production (a
 * managed key must be configured there). Safe against concurrent first use (jest workers, services
 * starting together): the content is written aside and hard-linked into place, so whoever loses
 * the race reads the winner's file.
 */
export function devSecretFile(file: string, create: () => string, options: { mode?: number; nodeEnv?: string } = {}): string {
  if ((options.nodeEnv ?? process.env.NODE_ENV) === 'production') {
    throw new Error(`Development secret ${path.basename(file)} is not available in production`);
  }
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, create(), { mode: options.mode ?? 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return fs.readFileSync(file, 'utf8');
}
