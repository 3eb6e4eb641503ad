import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { devSecretFile, repoRoot } from './dev-secrets';

describe('devSecretFile', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinlink-dev-secret-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the secret once, owner-only, and returns the same content afterwards', () => {
    const file = path.join(dir, 'nested', 'k.key');
    let made = 0;
    const first = devSecretFile(file, () => `secret-${++made}`);
    const second = devSecretFile(file, () => `secret-${++made}`);
    expect(first).toBe('secret-1');
    expect(second).toBe('secret-1');
    expect(made).toBe(1);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['k.key']);
  });

  it('keeps the file that won a race (the loser reads it)', () => {
    const file = path.join(dir, 'k.key');
    const loser = devSecretFile(file, () => {
      fs.writeFileSync(file, 'winner'); // another process links its file in first
      return 'loser';
    });
    expect(loser).toBe('winner');
  });

  it('refuses in production', () => {
    expect(() => devSecretFile(path.join(dir, 'k.key'), () => 'x', { nodeEnv: 'production' })).toThrow(/not available in production/);
    expect(fs.existsSync(path.join(dir, 'k.key'))).toBe(false);
  });

  it('finds the repository root from anywhere inside it', () => {
    expect(JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')).name).toBe('kinlink');
  });
});
