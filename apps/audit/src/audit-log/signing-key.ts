import * as fs from 'node:fs';
import * as path from 'node:path';
import { devSecretFile, devSecretsDir } from '@kinlink/config';
import { encodeSigningKey, encodeVerifierKey, generateSigningKey, parseSigningKey, SigningKey } from '@kinlink/audit-log';

/**
 * The log's Ed25519 signing key.
 *
 * - `AUDIT_SIGNING_KEY_FILE` (required in production): `PRIVATE+KEY+<name>+<id>+<base64>` (the C2SP
 *   signed-note signer key text), or a PKCS#8 PEM, which carries no name and is named after the origin.
 * - Elsewhere, without a file: a dev key under `<repo>/.run/dev-keys/audit-<origin>.key` (git-ignored),
 *   generated on first use, race-safe across processes (`devSecretFile`). The verifier key is written
 *   next to it (`.pub`).
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
  return devSigningKey(options.origin, options.devKeysDir ?? devSecretsDir());
}

export function devKeyPath(origin: string, dir: string): string {
  return path.join(dir, `audit-${origin.replace(/[^A-Za-z0-9._-]/g, '_')}.key`);
}

function devSigningKey(origin: string, dir: string): SigningKey {
  const file = devKeyPath(origin, dir);
  const text = devSecretFile(file, () => `${encodeSigningKey(generateSigningKey(origin))}\n`);
  const key = parseSigningKey(text, origin);
  const pub = file.replace(/\.key$/, '.pub');
  if (!fs.existsSync(pub)) fs.writeFileSync(pub, `${encodeVerifierKey(key)}\n`, { mode: 0o644 });
  return key;
}
