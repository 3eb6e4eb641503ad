import { INestApplication } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { IS_PUBLIC_KEY, Role, ROLES, ROLES_KEY } from '../auth';

/** Vendor extension on every operation: who may call it (read by tests and client generators). */
export const ACCESS_EXTENSION = 'x-kinlink-access';
export interface RouteAccess {
  public: boolean;
  /** roles allowed (every role when the route does not restrict them); empty for a public route */
  roles: Role[];
}

export const PROBLEM_DETAILS_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details: every error of this API has this shape (never a stack trace, never a field value).',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', example: 'urn:kinlink:error:command_rejected' },
    title: { type: 'string', example: 'Conflict' },
    status: { type: 'integer', example: 409 },
    detail: { type: 'string', example: 'no reunification before verification: the case is match_confirmed; its verification must be approved by a supervisor first' },
    code: { type: 'string', description: 'machine-readable: not_found, invalid_request, command_rejected, token_missing, token_expired, role_forbidden, rate_limited, payload_too_large, …', example: 'command_rejected' },
    ruleCode: { type: 'string', description: 'command_rejected: the workflow rule broken (e.g. REUNIFICATION_REQUIRES_VERIFICATION, FOUR_EYES, CHECKLIST_INCOMPLETE)', example: 'REUNIFICATION_REQUIRES_VERIFICATION' },
    rule: { type: 'string', description: 'command_rejected: the rule, in words' },
    commandId: { type: 'string', description: 'command_rejected: the refused command' },
  },
} as const;

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

type Operation = {
  operationId?: string; summary?: string; description?: string; parameters?: Array<{ in: string }>; requestBody?: unknown;
  responses?: Record<string, unknown>; security?: Array<Record<string, string[]>>; [ext: string]: unknown;
};

/**
 * Completes the generated OpenAPI document from what the routes enforce, so it cannot drift:
 * each operation states who may call it (from `@Roles` / `@Public`, in its description and in
 * `x-kinlink-access`), its bearer security, and every error it can answer as problem details.
 */
export function documentRoutes(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const access = routeAccess(app);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ProblemDetails: PROBLEM_DETAILS_SCHEMA as never } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const a = (op.operationId && access.get(op.operationId)) || { public: false, roles: [...ROLES] };
      op[ACCESS_EXTENSION] = a;
      const who = a.public ? 'public (no token)' : `bearer token with role ${a.roles.join(', ')}`;
      op.description = [op.description, `**Access:** ${who}.${a.public ? '' : ' Objects of agencies outside your scope answer 404, exactly like a missing one.'}`]
        .filter(Boolean).join('\n\n');
      op.security = a.public ? [] : [{ bearer: [] }];
      const problems: Record<string, string> = { 500: 'Internal error (no details are given)' };
      if (!a.public) {
        Object.assign(problems, {
          401: 'No token, or a token that is malformed, expired, not yet valid, of another issuer or audience, or signed with an algorithm that is not accepted (`alg: none`, HMAC)',
          403: a.roles.length < ROLES.length ? `Your role may not call this (\`role_forbidden\`)${method === 'post' ? ', or a workflow rule about who may act (`command_rejected` with `ruleCode`)' : ''}` : 'A workflow rule about who may act',
          429: 'Too many requests from you (`rate_limited`); retry later',
          503: 'The token could not be checked right now (`auth_unavailable`)',
        });
      } else if (method === 'get') {
        problems[503] = 'Not ready';
      }
      if ((op.parameters?.length ?? 0) > 0 || op.requestBody) problems[400] = 'Invalid request: unknown or malformed parameter or body field (`invalid_request`)';
      if (path.includes('{')) problems[404] = 'No such object, or one outside your agency scope (`not_found`): the two are indistinguishable';
      if (op.requestBody) {
        problems[413] = 'Request body too large (`payload_too_large`)';
        problems[409] = 'The object’s state does not allow this (`command_rejected`; `ruleCode` names the rule)';
        problems[422] = 'The request breaks a rule about its content (`command_rejected`; `ruleCode` names the rule)';
      }
      op.responses = op.responses ?? {};
      for (const [status, description] of Object.entries(problems)) {
        if (op.responses[status]) continue;
        op.responses[status] = { description, content: { 'application/problem+json': { schema: PROBLEM_REF } } };
      }
    }
  }
  return document;
}

/** Access of every route handler, by the operation id Swagger gives it (`<Controller>_<method>`). */
export function routeAccess(app: INestApplication): Map<string, RouteAccess> {
  const out = new Map<string, RouteAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name as keyof typeof type.prototype] as unknown;
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const isPublic = Reflect.getMetadata(IS_PUBLIC_KEY, handler) ?? Reflect.getMetadata(IS_PUBLIC_KEY, type) ?? false;
        const roles: Role[] | undefined = Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, type);
        out.set(`${type.name}_${name}`, { public: !!isPublic, roles: isPublic ? [] : [...(roles ?? ROLES)] });
      }
    }
  }
  return out;
}
