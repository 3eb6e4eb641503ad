/**
 * The authorisation matrix, generated from the routes: every route of the admin API's OpenAPI
 * document (so a new route is in the matrix without anyone adding it) × every role × {own agency,
 * other agency, shared through a proposal, no token, expired token, wrong audience, alg: none},
 * each cell called against the running system and compared with what the access policy below
 * (the issue's rules, written independently of the code) says it must answer.
 *
 * The caller's agency is unhcr. Objects of every kind exist in each context (test/support/access-fixtures.ts).
 * A scoped role (coordinator, supervisor) sees its agency's records, plus the proposals, cases and
 * commands that involve them (the other side of a proposal only through the proposal, with minimal
 * fields); auditor and system-admin see every agency; agency-admin none of these routes. An object
 * out of scope answers exactly like a missing one: 404, same body. Writes that pass authorisation
 * carry a body the workflow refuses (a rule error), so the matrix changes nothing.
 */
import { mintDevToken } from '../apps/admin-api/src/auth/dev-tokens';
import { api, ApiResponse, disconnectKafka } from './support/system';
import { AccessFixtures, CALLER_AGENCY, createAccessFixtures, ObjectContext } from './support/access-fixtures';
import { ALL_AGENCY_ROLES, policyOf, requestFor, Role, ROLES, RoutePolicy } from './support/access-policy';
import { rejectPendingSince } from './support/scenarios';

jest.setTimeout(300_000);

const CONTEXTS = ['own agency', 'other agency', 'shared through a proposal', 'no token', 'expired token', 'wrong audience', 'alg: none'] as const;
type Context = (typeof CONTEXTS)[number];
const OBJECT_CONTEXT: Partial<Record<Context, ObjectContext>> = { 'own agency': 'own', 'other agency': 'other', 'shared through a proposal': 'shared' };
/** what a bad token answers (401 and its code) */
const TOKEN_REFUSAL: Partial<Record<Context, string>> = {
  'no token': 'token_missing', 'expired token': 'token_expired', 'wrong audience': 'token_wrong_audience', 'alg: none': 'token_invalid',
};

type Outcome = 'allow' | '401' | '403' | '404';
interface Cell { route: string; role: Role; context: Context; expected: Outcome; actual: Outcome; status: number; code?: string; leaks: string[]; note?: string }

describe('authorisation matrix (every route × role × context)', () => {
  let f: AccessFixtures;
  let doc: { paths: Record<string, Record<string, { 'x-kinlink-access'?: { public: boolean; roles: string[] }; responses: Record<string, any> }>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const routes: Array<{ method: string; path: string; policy: RoutePolicy }> = [];
  const tokens = new Map<string, string | undefined>();
  const cells: Cell[] = [];

  beforeAll(async () => {
    const res = await api('GET', '/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) routes.push({ method: method.toUpperCase(), path, policy: policyOf(method.toUpperCase(), path)! });
    }
    for (const role of ROLES) {
      const claims = { role, agency: CALLER_AGENCY, sub: `matrix-${role}` };
      tokens.set(`${role}|valid`, await mintDevToken(claims));
      tokens.set(`${role}|expired token`, await mintDevToken(claims, { expired: true }));
      tokens.set(`${role}|wrong audience`, await mintDevToken(claims, { audience: 'kinlink-other-api' }));
      tokens.set(`${role}|alg: none`, await mintDevToken(claims, { alg: 'none' }));
      tokens.set(`${role}|no token`, undefined);
    }
    f = await createAccessFixtures();
  });
  afterAll(async () => {
    if (f) await rejectPendingSince(f.since);
    await disconnectKafka();
  });

  it('has an access policy for every route of the API (a new route must be given one)', () => {
    const unknown = routes.filter((r) => !r.policy).map((r) => `${r.method} ${r.path}`);
    expect(unknown).toEqual([]);
    expect(routes.length).toBeGreaterThan(20);
  });

  it('documents, for every route, who may call it and every error as problem details', () => {
    const problems: string[] = [];
    for (const { method, path, policy } of routes) {
      const op = doc.paths[path][method.toLowerCase()];
      const access = op['x-kinlink-access'];
      const want = policy.public ? { public: true, roles: [] } : { public: false, roles: [...policy.roles!].sort() };
      if (!access || access.public !== want.public || JSON.stringify([...access.roles].sort()) !== JSON.stringify(want.roles)) {
        problems.push(`${method} ${path}: documented ${JSON.stringify(access)}, policy ${JSON.stringify(want)}`);
      }
      const errors = policy.public ? ['500'] : ['401', '403', '429', '500', ...(path.includes('{') ? ['404'] : [])];
      for (const status of errors) {
        const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ProblemDetails') problems.push(`${method} ${path}: ${status} not documented as problem details`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers every cell as the policy says: forbidden reads or writes allowed: 0', async () => {
    const plan: Array<() => Promise<void>> = [];
    for (const route of routes) {
      for (const role of ROLES) {
        for (const context of CONTEXTS) plan.push(async () => { cells.push(await runCell(route, role, context)); });
      }
    }
    await inBatches(plan, 8);

    const forbiddenAllowed = cells.filter((c) => (c.expected !== 'allow' && c.actual === 'allow') || c.leaks.length > 0);
    const permittedRefused = cells.filter((c) => c.expected === 'allow' && c.actual !== 'allow');
    const wrongRefusal = cells.filter((c) => c.expected !== 'allow' && c.actual !== 'allow' && c.expected !== c.actual);
    const wrongCode = cells.filter((c) => c.note);
    const count = (o: Outcome) => cells.filter((c) => c.expected === o && c.actual === o).length;
    const size = `${routes.length} routes × ${ROLES.length} roles × ${CONTEXTS.length} contexts = ${cells.length} cells`;

    console.log([
      `authorisation matrix: ${size}`,
      `  allowed as the policy says: ${count('allow')}; refused as the policy says: ${count('401') + count('403') + count('404')} (401: ${count('401')}, 403: ${count('403')}, 404: ${count('404')})`,
      `  forbidden reads or writes allowed: ${forbiddenAllowed.length}`,
      `  permitted requests refused: ${permittedRefused.length}; refused with the wrong status or code: ${wrongRefusal.length + wrongCode.length}`,
      '',
      `  ${'route'.padEnd(34)} ${ROLES.map((r) => r.padEnd(13)).join(' ')}   (per role: ${CONTEXTS.join(' | ')}; A allowed, 1/3/4 = 401/403/404)`,
      ...routes.map((r) => `  ${`${r.method} ${r.path}`.padEnd(34)} ${ROLES.map((role) => CONTEXTS.map((ctx) => symbol(cells.find((c) => c.route === `${r.method} ${r.path}` && c.role === role && c.context === ctx)!)).join('').padEnd(13)).join(' ')}`),
    ].join('\n'));
    const describeCell = (c: Cell) => `${c.route} as ${c.role} (${c.context}): expected ${c.expected}, got ${c.status} ${c.code ?? ''} ${c.leaks.join(', ')} ${c.note ?? ''}`.trim();
    expect(forbiddenAllowed.map(describeCell)).toEqual([]);
    expect(permittedRefused.map(describeCell)).toEqual([]);
    expect([...wrongRefusal, ...wrongCode].map(describeCell)).toEqual([]);
    expect(cells).toHaveLength(routes.length * ROLES.length * CONTEXTS.length);
  });

  it('answers a forbidden object exactly like a missing one (404, same body)', async () => {
    const compared: string[] = [];
    const differences: string[] = [];
    for (const { method, path, policy } of routes.filter((r) => r.policy.object)) {
      for (const role of ROLES.filter((r) => policy.roles!.includes(r))) {
        const bearer = tokens.get(`${role}|valid`);
        const call = (id: string) => api(method, path.replace('{id}', id), bearer, policy.body);
        const missing = await call(f.missing[policy.object!]);
        if (missing.status !== 404 || missing.body.code !== 'not_found') differences.push(`${method} ${path} as ${role}: a missing ${policy.object} answers ${missing.status}`);
        if (ALL_AGENCY_ROLES.includes(role)) continue;
        for (const ctx of ['other', ...(policy.sharedVisible ? [] : ['shared'])] as ObjectContext[]) {
          const forbidden = await call(f.objects[policy.object!][ctx]);
          compared.push(`${method} ${path} ${role} ${ctx}`);
          if (forbidden.status !== missing.status || JSON.stringify(forbidden.body) !== JSON.stringify(missing.body)) {
            differences.push(`${method} ${path} as ${role}: ${ctx} object answers ${forbidden.status} ${JSON.stringify(forbidden.body)}, missing one ${missing.status} ${JSON.stringify(missing.body)}`);
          }
        }
      }
    }
    console.log(`forbidden object ≡ missing object (status and body): ${compared.length - differences.length}/${compared.length} comparisons`);
    expect(differences).toEqual([]);
    expect(compared.length).toBeGreaterThan(10);
  });

  async function runCell(route: { method: string; path: string; policy: RoutePolicy }, role: Role, context: Context): Promise<Cell> {
    const p = route.policy;
    const ctx = OBJECT_CONTEXT[context] ?? 'own';
    const bearer = tokens.get(`${role}|${OBJECT_CONTEXT[context] ? 'valid' : context}`);
    const request = requestFor(route, ctx, f);
    const res = await api(route.method, request.url, bearer, request.body);

    let expected: Outcome;
    if (p.public) expected = 'allow';
    else if (TOKEN_REFUSAL[context]) expected = '401';
    else if (!p.roles!.includes(role)) expected = '403';
    else if (!p.object || ALL_AGENCY_ROLES.includes(role) || ctx === 'own' || (ctx === 'shared' && p.sharedVisible)) expected = 'allow';
    else expected = '404';

    const actual = outcomeOf(res, p);
    const cell: Cell = { route: `${route.method} ${route.path}`, role, context, expected, actual, status: res.status, code: res.body?.code, leaks: [] };
    if (expected === '401' && actual === '401' && res.body?.code !== TOKEN_REFUSAL[context]) cell.note = `code ${res.body?.code}, expected ${TOKEN_REFUSAL[context]}`;
    if (actual === 'allow' && !p.public && !p.unscoped && !p.body && res.status !== 200) cell.note = `status ${res.status} ${JSON.stringify(res.body)}`;
    if (actual === 'allow' && p.body && !(res.body?.code === 'command_rejected' && [403, 409, 422].includes(res.status))) cell.note = `a write went through: ${res.status} ${JSON.stringify(res.body)}`;
    if (actual === 'allow' && res.status === 200) cell.leaks = leaksOf(p, res.body, role, ctx);
    return cell;
  }

  /** What a response shows that the role may not see (scoped roles), and what it should show but hides. */
  function leaksOf(p: RoutePolicy, body: any, role: Role, ctx: ObjectContext): string[] { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (ALL_AGENCY_ROLES.includes(role)) return [];
    const scope = [CALLER_AGENCY];
    const out: string[] = [];
    const inScope = (...agencies: string[]) => agencies.some((a) => scope.includes(a));
    switch (p.list) {
      case 'proposals':
        for (const i of body.items) if (!inScope(i.left.agencyId, i.right.agencyId)) out.push(`proposal ${i.id} of ${i.left.agencyId}/${i.right.agencyId}`);
        if (ctx === 'own' && !body.items.some((i: { id: string }) => i.id === f.objects.proposal.own)) out.push('hides the own proposal');
        break;
      case 'cases':
        for (const i of body.items) if (!inScope(i.childAgency, i.requestAgency)) out.push(`case ${i.id} of ${i.childAgency}/${i.requestAgency}`);
        if (ctx === 'own' && !body.items.some((i: { id: string }) => i.id === f.objects.case.own)) out.push('hides the own case');
        break;
      case 'records':
        for (const i of body.items) if (!inScope(i.agencyId)) out.push(`${i.kind} ${i.id} of ${i.agencyId}`);
        break;
      case 'dashboard':
        for (const i of [...body.cases, ...body.proposals]) if (!inScope(i.agency)) out.push(`dashboard counts of ${i.agency}`);
        break;
      case 'calibration':
        // asked for the other agency's proposals: nothing (the fixtures' proposals there await review)
        if (ctx === 'other' && body.models.length > 0) out.push('model calibration of the other agency’s proposals');
        if (ctx === 'own' && body.models.length === 0) out.push('hides the own proposals’ calibration');
        break;
    }
    if (p.object === 'proposal' && body.left) {
      for (const side of [body.left, body.right]) {
        if (inScope(side.agencyId)) continue;
        if (side.access !== 'minimal') out.push(`the other agency's record in full (${side.agencyId})`);
        const text = JSON.stringify(side.record ?? {});
        for (const field of ['currentLocation', 'careArrangement', 'lastKnownLocation', 'consent', 'registeredOn', 'Shire', 'Asmara', 'Humera']) {
          if (text.includes(field)) out.push(`the other agency's ${field}`);
        }
      }
    }
    return out;
  }
});

function outcomeOf(res: ApiResponse, p: RoutePolicy): Outcome {
  if (res.status === 401) return '401';
  if (res.status === 403 && res.body?.code === 'role_forbidden') return '403';
  if (res.status === 404 && !p.unscoped && !p.public) return '404';
  return 'allow';
}

function symbol(c: Cell): string {
  return c.actual === 'allow' ? 'A' : c.actual[2];
}

async function inBatches(tasks: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}
