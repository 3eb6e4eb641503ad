import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { devSecretFile, repoRoot } from '@kinlink/config';

/**
 * The master key (key-encryption key): `MASTER_KEY`, 32 bytes in base64, from configuration or a
 * secret store. Required in production. In development and tests, when unset, a key is generated
 * once into `<repo>/.run/master-key/master.key` (git-ignored) and shared by every local service.
 */
export function loadMasterKey(env: { MASTER_KEY?: string; NODE_ENV?: string }, root?: string): Buffer {
  if (env.MASTER_KEY) return decodeMasterKey(env.MASTER_KEY);
  if (env.NODE_ENV === 'production') throw new Error('MASTER_KEY is required in production');
  const file = path.join(root ?? repoRoot(), '.run', 'master-key', 'master.key');
  return decodeMasterKey(devSecretFile(file, () => randomBytes(32).toString('base64'), { nodeEnv: env.NODE_ENV }));
}

export function decodeMasterKey(b64: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== 32) throw new Error('MASTER_KEY must be 32 bytes, base64-encoded');
  return key;
}
