/**
 * Property-level access: for every GET route of the API (from its OpenAPI document) and every role,
 * the set of keys the response has — deep, as paths (`items[].left.agencyId`) — for the caller's own
 * objects and for another agency's objects shared through a proposal. The sets are jest snapshots
 * (test/__snapshots__): a field that starts reaching a role (a new column in a view, the other
 * agency's record in full, a location in a list) changes a snapshot and fails the test until
 * someone looks at it and updates it on purpose (`npx jest … -u`).
 *
 * Values are not compared, only keys; the data are this test's own (created through agency events),
 * and the audit routes are read once the audit log has settled, so the key sets are the same run after run.
 */
import { eventually } from '@kinlink/testing';
import { mintDevToken } from '../apps/admin-api/src/auth/dev-tokens';
import { api, disconnectKafka, system } from './support/system';
import { AccessFixtures, CALLER_AGENCY, createAccessFixtures, ObjectContext } from './support/access-fixtures';
import { AuditVars, policyOf, requestFor, Role, ROLES, RoutePolicy } from './support/access-policy';
import { rejectPendingSince } from './support/scenarios';

jest.setTimeout(240_000);

const CONTEXTS: readonly ObjectContext[] = ['own', 'shared'];

describe('response keys per role (property-level snapshots)', () => {
  let f: AccessFixtures;
  let routes: Array<{ path: string; policy: RoutePolicy }>;
  const tokens = new Map<Role, string>();
  const vars: AuditVars = {};

  beforeAll(async () => {
    const doc = await api('GET', '/docs-json');
    routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
      .filter(([, item]) => 'get' in item)
      .map(([path]) => ({ path, policy: policyOf('GET', path)! }))
      .filter((r) => r.policy)
      // the audit trail first: the reads below add read entries to it
      .sort((a, b) => Number(!a.path.startsWith('/audit/')) - Number(!b.path.startsWith('/audit/')) || a.path.localeCompare(b.path));
    for (const role of ROLES) tokens.set(role, await mintDevToken({ role, agency: CALLER_AGENCY, sub: `keys-${role}` }));
    f = await createAccessFixtures();

    // let the audit log settle: the fixtures' events are in it and a signed checkpoint covers them
    const auditor = tokens.get('auditor')!;
    await eventually(async () => {
      const ownChild = await api('GET', `/audit/subjects/${f.objects.child.own}`, auditor);
      const types = new Set(ownChild.body.entries.map((e: { eventType: string }) => e.eventType));
      for (const t of ['child.registered', 'match.proposed', 'proposal.decided', 'case.opened']) expect(types).toContain(t);
      const shared = await api('GET', `/audit/subjects/${f.objects['tracing-request'].shared}`, auditor);
      expect(shared.body.entries.length).toBeGreaterThanOrEqual(4);
      const latest = await api('GET', '/audit/checkpoints/latest', auditor);
      expect(latest.status).toBe(200);
      const lastSeq = Math.max(...[...ownChild.body.entries, ...shared.body.entries].map((e: { seq: number }) => e.seq));
      expect(latest.body.treeSize).toBeGreaterThan(lastSeq);
      vars.treeSize = latest.body.treeSize;
    }, { timeoutMs: 60_000, intervalMs: 1000 });
  });
  afterAll(async () => {
    if (f) await rejectPendingSince(f.since);
    await disconnectKafka();
  });

  it('covers every GET route', () => {
    expect(routes.length).toBeGreaterThan(15);
  });

  it('shows each role the same response keys as before, route by route', async () => {
    for (const route of routes) {
      const byRole: Record<string, Record<string, string[] | string>> = {};
      for (const role of ROLES) {
        byRole[role] = {};
        for (const ctx of CONTEXTS) {
          const { url } = requestFor(route, ctx, f, vars);
          const res = await api('GET', url, tokens.get(role));
          // a list is read for this test's own items: records of an earlier test file still flowing
          // through the pipeline can land after `since` and bring optional fields of their own
          const body = route.policy.list && Array.isArray(res.body?.items)
            ? { ...res.body, items: res.body.items.filter((i: { id: string }) => f.created.has(i.id)) }
            : res.body;
          byRole[role][ctx] = res.status === 200 ? keyPaths(body) : `HTTP ${res.status} ${res.body?.code ?? ''}`.trim();
        }
      }
      expect(byRole).toMatchSnapshot(`GET ${route.path}`);
    }
  });
});

/** Every key of a JSON value, deep, as sorted paths; array elements are merged under `[]`. */
function keyPaths(value: unknown): string[] | string {
  if (typeof value === 'string') return '(not JSON)';
  const out = new Set<string>();
  const walk = (v: unknown, prefix: string) => {
    if (Array.isArray(v)) {
      for (const el of v) walk(el, `${prefix}[]`);
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const path = prefix ? `${prefix}.${keyName(k)}` : keyName(k);
        out.add(path);
        walk(child, path);
      }
    }
  };
  walk(value, '');
  return [...out].sort();
}

/** Keys that are data (topic names, ids, numbers) are named by what they are, so runs compare. */
function keyName(k: string): string {
  if (k.startsWith(`${system.topics.prefix}.`)) return `<topic-prefix>${k.slice(system.topics.prefix.length)}`;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(k)) return '<uuid>';
  if (/^\d+$/.test(k)) return '<n>';
  return k;
}
