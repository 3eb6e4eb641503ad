import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

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

export function defaultDevKeysDir(): string {
  return path.join(repoRoot(), '.run', 'dev-keys');
}

/**
 * Loads the dev key pair, generating it when missing. Safe against concurrent first use (jest
 * workers, two services starting): the pair is written to a temporary directory and renamed into
 * place; whoever loses the race reads the winner's keys.
 */
export function devKeys(options: { dir?: string } = {}): DevKeys {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('Dev keys are not available in production');
  }
  const dir = options.dir ?? defaultDevKeysDir();
  const privateKeyPath = path.join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = path.join(dir, PUBLIC_KEY_FILE);
  if (!fs.existsSync(privateKeyPath) || !fs.existsSync(publicKeyPath)) generate(dir);

  const privateKey = createPrivateKey(fs.readFileSync(privateKeyPath, 'utf8'));
  const publicKey = createPublicKey(fs.readFileSync(publicKeyPath, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519' || publicKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`Dev keys in ${dir} are not Ed25519; delete the directory to regenerate them`);
  }
  return { dir, privateKey, publicKey, privateKeyPath, publicKeyPath, kid: keyId(publicKey) };
}

/** Short, stable key id of a public key. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}

function generate(dir: string): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}-`));
  try {
    fs.chmodSync(tmp, 0o700);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(path.join(tmp, PRIVATE_KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
      flag: 'wx',
    });
    fs.writeFileSync(path.join(tmp, PUBLIC_KEY_FILE), publicKey.export({ type: 'spki', format: 'pem' }), {
      mode: 0o644,
      flag: 'wx',
    });
    try {
      fs.renameSync(tmp, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // another process created the directory first: use its keys
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
      if (!fs.existsSync(path.join(dir, PRIVATE_KEY_FILE))) {
        throw new Error(`${dir} exists but holds no dev key pair; delete it to regenerate`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
