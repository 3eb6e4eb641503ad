import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { devKeys, PRIVATE_KEY_FILE, repoRoot } from './dev-keys';

describe('devKeys', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinlink-devkeys-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('generates an Ed25519 pair on first use, private key mode 0600, and reuses it', () => {
    const dir = path.join(tmp, '.run', 'dev-keys');
    const first = devKeys({ dir });
    expect(first.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(fs.statSync(path.join(dir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o077).toBe(0);
    const second = devKeys({ dir });
    expect(second.kid).toBe(first.kid);
    expect(second.publicKey.equals(first.publicKey)).toBe(true);
    // no temporary directories left behind
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['dev-keys']);
  });

  it('keeps the first pair when another process created one meanwhile', () => {
    const dir = path.join(tmp, 'dev-keys');
    const winner = devKeys({ dir: path.join(tmp, 'other') });
    fs.renameSync(winner.dir, dir);
    expect(devKeys({ dir }).kid).toBe(winner.kid);
  });

  it('refuses to run in production', () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => devKeys({ dir: path.join(tmp, 'k') })).toThrow(/production/);
    } finally {
      process.env.NODE_ENV = saved;
    }
  });

  it('finds the repository root from the file, not the cwd, and keeps keys in git-ignored .run/', () => {
    const root = repoRoot();
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name).toBe('kinlink');
    expect(path.relative(root, __dirname)).toBe(path.join('apps', 'admin-api', 'src', 'auth'));
    expect(fs.readFileSync(path.join(root, '.gitignore'), 'utf8')).toMatch(/^\.run\/$/m);
    expect(devKeys().dir).toBe(path.join(root, '.run', 'dev-keys'));
  });
});
