import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { devSecretFile, devSecretsDir, repoRoot } from '@kinlink/config';

/**
 * Development key pair (Ed25519) for signing and verifying local tokens. Lives under
 * `<repo>/.run/dev-keys/` (git-ignored), created on first use. Never used in production: the
 * verifier refuses to fall back to it there, and `devKeys()` refuses to run there.
 */
export interface DevKeys {
  dir: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPath: string;
  publicKeyPath: string;
  /** key id put in the header of dev tokens (SHA-256 of the public key's DER, base64url, 16 chars) */
  kid: string;
}

export const PRIVATE_KEY_FILE = 'ed25519-private.pem';
export const PUBLIC_KEY_FILE = 'ed25519-public.pem';

export { repoRoot };

export function defaultDevKeysDir(): string {
  return devSecretsDir();
}

/**
 * Loads the dev key pair, generating it when missing (race-safe across jest workers and services
 * starting together, see `devSecretFile`). The public key is derived from the private one, so the
 * two files always agree.
 */
export function devKeys(options: { dir?: string } = {}): DevKeys {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('Dev keys are not available in production');
  }
  const dir = options.dir ?? defaultDevKeysDir();
  const privateKeyPath = path.join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = path.join(dir, PUBLIC_KEY_FILE);
  const privatePem = devSecretFile(privateKeyPath, () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`Dev keys in ${dir} are not Ed25519; delete the directory to regenerate them`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if (!fs.existsSync(publicKeyPath) || fs.readFileSync(publicKeyPath, 'utf8') !== publicPem) {
    // aside then renamed: a concurrent reader never sees a half-written file
    const tmp = `${publicKeyPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, publicPem, { mode: 0o644 });
    fs.renameSync(tmp, publicKeyPath);
  }
  return { dir, privateKey, publicKey, privateKeyPath, publicKeyPath, kid: keyId(publicKey) };
}

/** Short, stable key id of a public key. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}
