import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeSigningKey, encodeVerifierKey, generateSigningKey, parseSigningKey, SigningKey } from '@kinlink/audit-log';

/**
 * The log's Ed25519 signing key.
 *
 * - `AUDIT_SIGNING_KEY_FILE` (required in production): `PRIVATE+KEY+<name>+<id>+<base64>` (the C2SP
 *   signed-note signer key text), or a PKCS#8 PEM, which carries no name and is named after the origin.
 * - Elsewhere, without a file: a dev key under `<repo>/.run/dev-keys/audit-<origin>.key` (git-ignored),
 *   generated on first use, race-safe across processes (written aside, then hard-linked into place:
 *   whoever loses the race reads the winner's key). The verifier key is written next to it (`.pub`).
 */
export function loadSigningKey(options: { file?: string; origin: string; nodeEnv?: string; devKeysDir?: string }): SigningKey {
  if (options.file) {
    let text: string;
    try {
      text = fs.readFileSync(options.file, 'utf8');
    } catch (e) {
      throw new Error(`AUDIT_SIGNING_KEY_FILE: cannot read ${options.file}: ${(e as Error).message}`);
    }
    return parseSigningKey(text, text.trim().startsWith('-----BEGIN') ? options.origin : undefined);
  }
  if (options.nodeEnv === 'production') {
    throw new Error('AUDIT_SIGNING_KEY_FILE is required in production (the audit log must be signed with a managed key)');
  }
  return devSigningKey(options.origin, options.devKeysDir ?? path.join(repoRoot(), '.run', 'dev-keys'));
}

export function devKeyPath(origin: string, dir: string): string {
  return path.join(dir, `audit-${origin.replace(/[^A-Za-z0-9._-]/g, '_')}.key`);
}

function devSigningKey(origin: string, dir: string): SigningKey {
  const file = devKeyPath(origin, dir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = generateSigningKey(origin);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, `${encodeSigningKey(key)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
      fs.writeFileSync(file.replace(/\.key$/, '.pub'), `${encodeVerifierKey(key)}\n`, { mode: 0o644 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return parseSigningKey(fs.readFileSync(file, 'utf8'), origin);
}

/** The repository root: the nearest ancestor of this file with Kinlink's package.json. */
function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kinlink') return dir;
      } catch {
        // keep climbing
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the Kinlink repository root above ${from}`);
    dir = parent;
  }
}
