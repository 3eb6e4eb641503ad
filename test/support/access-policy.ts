/**
 * The access policy of the admin API, route by route, as the issue states it (written
 * independently of the code): who may call each route and what a scoped caller may see. Shared by
 * the authorisation matrix and the response-key snapshots; routes come from the OpenAPI document,
 * so a route missing here fails the matrix.
 */
import type { AccessFixtures, ObjectContext, ObjectKind } from './access-fixtures';
import { CONTEXT_AGENCY } from './access-fixtures';

export const ROLES = ['coordinator', 'supervisor', 'auditor', 'agency-admin', 'system-admin'] as const;
export type Role = (typeof ROLES)[number];
/** roles that see every agency (scope is not applied to them) */
export const ALL_AGENCY_ROLES: readonly Role[] = ['auditor', 'system-admin'];

export type ListKind = 'proposals' | 'cases' | 'records' | 'dashboard' | 'calibration';
export interface RoutePolicy {
  public?: boolean;
  roles?: readonly Role[];
  /** the route's `{id}` names an object of this kind, scoped by agency */
  object?: ObjectKind;
  /** a scoped role sees the other agency's object shared through a proposal (proposals, cases, commands) or not (records: 404, minimal fields only through the proposal) */
  sharedVisible?: boolean;
  /** a list or summary scoped by agency: every item must be in the caller's scope */
  list?: ListKind;
  query?: (ctx: ObjectContext, f: AccessFixtures, vars: AuditVars) => string;
  body?: Record<string, unknown>;
  /** not scoped by agency (audit trail: auditors see everything): a 404 there is not a refusal */
  unscoped?: boolean;
}
/** Values the audit routes need (a tree size the log has a checkpoint for). */
export interface AuditVars { treeSize?: number }

const CASEWORK: readonly Role[] = ['coordinator', 'supervisor'];
const REVIEWERS: readonly Role[] = ['coordinator', 'supervisor', 'system-admin'];
const READERS: readonly Role[] = ['coordinator', 'supervisor', 'system-admin', 'auditor'];
const byAgency = (param: string) => (ctx: ObjectContext, f: AccessFixtures) => `${param}=${encodeURIComponent(f.since)}&agency=${CONTEXT_AGENCY[ctx]}&limit=100`;

export const POLICY: Record<string, RoutePolicy> = {
  'GET /proposals': { roles: REVIEWERS, list: 'proposals', query: byAgency('createdSince') },
  'GET /proposals/{id}': { roles: REVIEWERS, object: 'proposal', sharedVisible: true },
  'POST /proposals/{id}/decisions': { roles: CASEWORK, object: 'proposal', sharedVisible: true, body: { decision: 'reject' } },
  'GET /commands/{id}': { roles: REVIEWERS, object: 'command', sharedVisible: true },
  'GET /cases': { roles: READERS, list: 'cases', query: byAgency('createdSince') },
  'GET /cases/{id}': { roles: READERS, object: 'case', sharedVisible: true },
  'POST /cases/{id}/transitions': { roles: CASEWORK, object: 'case', sharedVisible: true, body: { type: 'close' } },
  'GET /children': { roles: READERS, list: 'records', query: byAgency('registeredSince') },
  'GET /children/{id}': { roles: READERS, object: 'child', sharedVisible: false },
  'GET /tracing-requests': { roles: READERS, list: 'records', query: byAgency('registeredSince') },
  'GET /tracing-requests/{id}': { roles: READERS, object: 'tracing-request', sharedVisible: false },
  'GET /records': {
    roles: REVIEWERS, list: 'records',
    query: (ctx, f) => `name=${encodeURIComponent(f.families[ctx === 'own' ? 'own' : ctx === 'shared' ? 'sharedRequest' : 'other'].given)}`,
  },
  'GET /dashboard': { roles: READERS, list: 'dashboard' },
  'GET /dashboard/model-calibration': { roles: READERS, list: 'calibration', query: (ctx) => `agency=${CONTEXT_AGENCY[ctx]}` },
  // erasure: system admins only; without `confirm` it is refused (422) and changes nothing, so the matrix erases no fixture
  'POST /children/{id}/erasure': { roles: ['system-admin'], object: 'child', sharedVisible: false, body: { reasonCode: 'subject_request' } },
  'POST /tracing-requests/{id}/erasure': { roles: ['system-admin'], object: 'tracing-request', sharedVisible: false, body: { reasonCode: 'subject_request' } },
};

/** Query strings of the audit routes; any route under /audit is the audit trail: auditors only. */
const AUDIT_QUERY: Record<string, RoutePolicy['query']> = {
  '/audit/entries': (ctx, f) => `subject=${subjectOf(ctx, f)}&limit=5`,
  '/audit/subjects/{id}': () => 'limit=10',
  '/audit/proofs/inclusion': () => 'index=0',
  '/audit/proofs/consistency': () => 'from=1',
  '/audit/export': (_ctx, _f, v) => (v.treeSize ? `from=${v.treeSize - 1}&to=${v.treeSize}` : 'from=0&to=1'),
};

export function policyOf(method: string, path: string): RoutePolicy | undefined {
  const known = POLICY[`${method} ${path}`];
  if (known) return known;
  if (path.startsWith('/health/')) return { public: true };
  if (path.startsWith('/audit/')) return { roles: ['auditor'], unscoped: true, query: AUDIT_QUERY[path] };
  return undefined;
}

/** An audit subject in each context: the own child, the shared tracing request, the other agency's child. */
export const subjectOf = (ctx: ObjectContext, f: AccessFixtures) => (ctx === 'shared' ? f.objects['tracing-request'].shared : f.objects.child[ctx]);

/** The request of one route in one context. */
export function requestFor(route: { path: string; policy: RoutePolicy }, ctx: ObjectContext, f: AccessFixtures, vars: AuditVars = {}): { url: string; body?: Record<string, unknown> } {
  const p = route.policy;
  let path = route.path;
  if (p.object) path = path.replace('{id}', f.objects[p.object][ctx]);
  path = path.replace('{id}', subjectOf(ctx, f)).replace('{treeSize}', String(vars.treeSize ?? 1));
  const query = p.query?.(ctx, f, vars);
  return { url: `${path}${query ? `?${query}` : ''}`, body: p.body };
}
