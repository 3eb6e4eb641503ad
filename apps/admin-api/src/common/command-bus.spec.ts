import { ConfigService } from '@nestjs/config';
import type { DataSource } from 'typeorm';
import type { UnitOfWork } from '@kinlink/kafka';
import type { AuthUser } from '../auth';
import { ApiError } from './api.errors';
import { createHash } from 'node:crypto';
import { LocalMasterKeyWrapper } from '@kinlink/privacy';
import { canonicalJson, COMMAND_ID, CommandBus, sameRequest } from './command-bus';

const user = (id: string, agencyId = 'unhcr'): AuthUser => ({ id, role: 'coordinator', agencyId, agencyScope: [agencyId] });
const keys = new LocalMasterKeyWrapper(Buffer.alloc(32, 7));
const bus = new CommandBus({} as DataSource, {} as UnitOfWork, new ConfigService({ COMMAND_WAIT_MS: 10 }), keys);

describe('command ids', () => {
  it('makes an Idempotency-Key the caller’s own: the same key of two callers is two commands', () => {
    const a = bus.commandIdFor(user('amal'), 'retry-0001');
    expect(bus.commandIdFor(user('amal'), 'retry-0001')).toBe(a);
    expect(bus.commandIdFor(user('jonas'), 'retry-0001')).not.toBe(a);
    expect(bus.commandIdFor(user('amal', 'icrc'), 'retry-0001')).not.toBe(a);
    expect(a).toMatch(COMMAND_ID);
    expect(a).not.toContain('retry');
  });

  it('gives a fresh id without a key and refuses malformed keys', () => {
    expect(bus.commandIdFor(user('amal'), undefined)).not.toBe(bus.commandIdFor(user('amal'), undefined));
    for (const bad of ['short', 'has space in it', 'x'.repeat(81), 'ümlaut-key']) {
      expect(() => bus.commandIdFor(user('amal'), bad)).toThrow(ApiError);
    }
  });

  it('hashes requests independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});

describe('request fingerprints', () => {
  const request = canonicalJson({ subject: { type: 'case', id: 'c-1' }, request: { note: 'Amina at the clinic' } });

  it('are keyed: not the plain SHA-256 of the request, and different under another master key', async () => {
    const digest = await keys.mac('command-request', request);
    expect(digest).not.toBe(createHash('sha256').update(request).digest('hex'));
    expect(await new LocalMasterKeyWrapper(Buffer.alloc(32, 8)).mac('command-request', request)).not.toBe(digest);
    expect(await keys.mac('another-purpose', request)).not.toBe(digest);
    expect(await keys.mac('command-request', request)).toBe(digest);
  });

  it('match the same request only, and still match rows stored with the older plain hash', async () => {
    const keyed = `hmac1:${await keys.mac('command-request', request)}`;
    expect(sameRequest(keyed, keyed, request)).toBe(true);
    expect(sameRequest(`hmac1:${await keys.mac('command-request', `${request} `)}`, keyed, request)).toBe(false);
    expect(sameRequest(createHash('sha256').update(request).digest('hex'), keyed, request)).toBe(true);
    expect(sameRequest(createHash('sha256').update(`${request} `).digest('hex'), keyed, request)).toBe(false);
  });
});
