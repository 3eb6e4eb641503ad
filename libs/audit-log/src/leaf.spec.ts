import { createHash } from 'node:crypto';
import {
  AuditLeaf, AuditLeafError, canonicalJson, CanonicalJsonError, CHAIN_GENESIS, chainHash, chainTip, decodeLeaf,
  encodeLeaf, hashLeaf, hashPayload, leafHash,
} from './index';
import { sampleLeaf } from './testing/fixtures';

const sha256hex = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

const LEAF: AuditLeaf = {
  seq: 42,
  eventId: '4f0e6c1a-0000-4000-8000-000000000001',
  eventType: 'proposal.decided',
  occurredAt: '2025-03-01T10:00:00.000Z',
  recordedAt: '2025-03-01T10:00:01.250Z',
  actor: { id: 'user-7', role: 'supervisor', agencyId: 'agency-a' },
  agencyId: 'agency-a',
  subjects: [{ type: 'proposal', id: 'p-1' }, { type: 'child', id: 'c-9' }],
  fromState: 'proposed',
  toState: 'confirmed',
  reasonCode: 'documents-match',
  correlationId: 'corr-1',
  payloadHash: sha256hex('ciphertext'),
};

describe('canonical JSON (RFC 8785 subset)', () => {
  it('sorts keys by UTF-16 code units, drops undefined, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, A: { z: 0, é: 1, '\u{1F600}': 2, '\uFB33': 3 } }))
      .toBe('{"A":{"z":0,"é":1,"\u{1F600}":2,"\uFB33":3},"a":[true,null,"x"],"b":1}');
  });

  it('uses ECMAScript number and JSON string forms', () => {
    expect(canonicalJson([0, -0, 1.5, 1e21, 1e-7, 123456789012345680000])).toBe('[0,0,1.5,1e+21,1e-7,123456789012345680000]');
    expect(canonicalJson('a"b\\c\n\u0001\u007f\u2028/é')).toBe('"a\\"b\\\\c\\n\\u0001\u007f\u2028/é"');
  });

  it('rejects what is not plain JSON', () => {
    for (const bad of [NaN, Infinity, undefined, () => 1, Symbol('x'), 1n, new Date(0), Buffer.from('x'), [undefined], '\uD800', { k: new Map() }]) {
      expect(() => canonicalJson(bad)).toThrow(CanonicalJsonError);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(CanonicalJsonError);
  });
});

describe('leaf encoding', () => {
  it('is canonical JSON of the leaf, fixed bytes for a known leaf', () => {
    const bytes = encodeLeaf(LEAF).toString('utf8');
    expect(bytes).toBe(
      '{"actor":{"agencyId":"agency-a","id":"user-7","role":"supervisor"},"agencyId":"agency-a","correlationId":"corr-1",' +
        '"eventId":"4f0e6c1a-0000-4000-8000-000000000001","eventType":"proposal.decided","fromState":"proposed",' +
        '"occurredAt":"2025-03-01T10:00:00.000Z","payloadHash":"' + sha256hex('ciphertext') + '","reasonCode":"documents-match",' +
        '"recordedAt":"2025-03-01T10:00:01.250Z","seq":42,"subjects":[{"id":"p-1","type":"proposal"},{"id":"c-9","type":"child"}],' +
        '"toState":"confirmed"}',
    );
    expect(leafHash(LEAF).toString('hex')).toBe(sha256hex(Buffer.concat([Buffer.from([0]), Buffer.from(bytes)])));
    expect(leafHash(LEAF).equals(hashLeaf(encodeLeaf(LEAF)))).toBe(true);
  });

  it('does not depend on property order and omits undefined optionals', () => {
    const shuffled = Object.fromEntries(Object.entries(LEAF).reverse()) as unknown as AuditLeaf;
    expect(encodeLeaf(shuffled).equals(encodeLeaf(LEAF))).toBe(true);
    const withUndef: AuditLeaf = { ...LEAF, fromState: undefined, toState: undefined };
    const without: AuditLeaf = { ...LEAF };
    delete without.fromState;
    delete without.toState;
    expect(encodeLeaf(withUndef).equals(encodeLeaf(without))).toBe(true);
    expect(encodeLeaf({ ...LEAF, actor: null }).toString()).toContain('"actor":null');
  });

  it('round-trips through decodeLeaf and rejects non-canonical bytes', () => {
    for (let i = 0; i < 50; i++) {
      const l = sampleLeaf(i);
      expect(decodeLeaf(encodeLeaf(l))).toEqual(JSON.parse(JSON.stringify(l)));
    }
    const text = encodeLeaf(LEAF).toString();
    expect(() => decodeLeaf(text.replace('{"actor"', '{ "actor"'))).toThrow(/canonical/);
    expect(() => decodeLeaf(JSON.stringify({ ...LEAF, seq: 42 }, null, 1))).toThrow(AuditLeafError);
    expect(() => decodeLeaf(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow();
  });

  it('validates every field', () => {
    const bad: Array<[string, unknown]> = [
      ['seq', -1], ['seq', 1.5], ['seq', '1'], ['eventId', ''], ['eventType', 7],
      ['occurredAt', '2025-03-01T10:00:00+01:00'], ['occurredAt', '2025-02-30T10:00:00Z'], ['recordedAt', 'yesterday'],
      ['actor', { role: 'x' }], ['actor', { id: 'a', name: 'Alice' }], ['actor', undefined],
      ['subjects', [{ type: 'person', id: 'x' }]], ['subjects', [{ type: 'Child', id: 'x' }]], ['subjects', [{ type: 'child' }]], ['subjects', {}],
      ['payloadHash', 'ABC'], ['payloadHash', sha256hex('x').toUpperCase()], ['reasonCode', ''],
      ['name', 'Alice'], // unknown field: personal data must not sneak into a leaf
    ];
    for (const [k, v] of bad) {
      expect(() => encodeLeaf({ ...LEAF, [k]: v } as AuditLeaf)).toThrow(AuditLeafError);
    }
  });
});

describe('payload hashing', () => {
  it('hashes bytes as-is and JSON canonically', () => {
    expect(hashPayload(Buffer.from('ciphertext'))).toBe(sha256hex('ciphertext'));
    expect(hashPayload({ b: 2, a: 1 })).toBe(sha256hex('{"a":1,"b":2}'));
    expect(hashPayload({ a: 1, b: 2 })).toBe(hashPayload({ b: 2, a: 1 }));
    expect(() => hashPayload({ when: new Date() })).toThrow(AuditLeafError);
  });
});

describe('hash chain', () => {
  it('chains SHA-256(prev || leaf) from 32 zero bytes', () => {
    const a = encodeLeaf(sampleLeaf(0));
    const b = encodeLeaf(sampleLeaf(1));
    const h1 = chainHash(CHAIN_GENESIS, a);
    expect(h1).toBe(createHash('sha256').update(Buffer.alloc(32)).update(a).digest('hex'));
    const h2 = chainHash(h1, b);
    expect(chainTip([a, b])).toBe(h2);
    expect(chainTip([b, a])).not.toBe(h2);
    expect(() => chainHash('xyz', a)).toThrow();
  });
});
