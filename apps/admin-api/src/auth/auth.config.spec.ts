import { z } from 'zod';
import { AuthConfigError, authEnvShape, ConfigReader, loadAuthSettings } from './auth.config';

const reader = (values: Record<string, unknown>): ConfigReader => ({ get: <T>(key: string) => values[key] as T | undefined });

describe('loadAuthSettings', () => {
  it('defaults to dev keys, issuer kinlink-dev, audience kinlink-admin-api, 5 s tolerance outside production', () => {
    expect(loadAuthSettings(reader({ NODE_ENV: 'development' }))).toEqual({
      keys: { kind: 'dev' },
      issuer: 'kinlink-dev',
      audience: 'kinlink-admin-api',
      clockToleranceSeconds: 5,
      realm: 'kinlink-admin-api',
      production: false,
    });
  });

  it('reads a JWKS URL or a PEM file, and treats empty values as unset', () => {
    expect(loadAuthSettings(reader({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_PUBLIC_KEY_FILE: '' })).keys)
      .toEqual({ kind: 'jwks', url: new URL('https://idp.example/jwks') });
    expect(loadAuthSettings(reader({ NODE_ENV: 'production', AUTH_PUBLIC_KEY_FILE: '/etc/kinlink/idp.pem', AUTH_ISSUER: 'https://idp', AUTH_AUDIENCE: 'api' })))
      .toMatchObject({ keys: { kind: 'pem-file', path: '/etc/kinlink/idp.pem' }, issuer: 'https://idp', audience: 'api', production: true });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no key in production', { NODE_ENV: 'production' }, /No token verification key configured/],
    ['empty key settings in production', { NODE_ENV: 'production', AUTH_JWKS_URL: ' ', AUTH_PUBLIC_KEY_FILE: '' }, /No token verification key/],
    ['both key settings', { AUTH_JWKS_URL: 'https://idp/jwks', AUTH_PUBLIC_KEY_FILE: '/k.pem' }, /only one/],
    ['plain http JWKS in production', { NODE_ENV: 'production', AUTH_JWKS_URL: 'http://idp/jwks' }, /https/],
    ['a malformed URL', { AUTH_JWKS_URL: 'not a url' }, /AUTH_JWKS_URL/],
    ['a huge clock tolerance', { AUTH_CLOCK_TOLERANCE_SECONDS: '3600' }, /AUTH_CLOCK_TOLERANCE_SECONDS/],
  ])('fails (at boot) on %s', (_name, values, message) => {
    expect(() => loadAuthSettings(reader(values))).toThrow(AuthConfigError);
    expect(() => loadAuthSettings(reader(values))).toThrow(message);
  });

  it('fits into a service env schema and re-reads its already-parsed values', () => {
    const schema = z.object({ NODE_ENV: z.string().default('development'), ...authEnvShape });
    const parsed = schema.parse({ AUTH_CLOCK_TOLERANCE_SECONDS: '2' }) as Record<string, unknown>;
    expect(parsed).toMatchObject({ AUTH_ISSUER: 'kinlink-dev', AUTH_AUDIENCE: 'kinlink-admin-api', AUTH_CLOCK_TOLERANCE_SECONDS: 2 });
    expect(loadAuthSettings(reader(parsed)).clockToleranceSeconds).toBe(2);
  });
});
