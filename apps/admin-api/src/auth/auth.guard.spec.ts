import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthUser } from './auth-user';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { AUTH_GUARD_PROVIDER, AuthModule } from './auth.module';
import { mintDevToken } from './dev-tokens';

@Controller('health')
@Public()
class HealthTestController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

@Controller('things')
class ThingsController {
  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return user;
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  @Get('approve')
  @Roles('supervisor', 'system-admin')
  approve(@CurrentUser() user: AuthUser) {
    return { approvedBy: user.id };
  }
}

@Controller('admin')
@Roles('system-admin')
class AdminController {
  @Get('settings')
  settings() {
    return { ok: true };
  }

  @Get('agency')
  @Roles('agency-admin', 'system-admin')
  agency() {
    return { ok: true };
  }
}

function configModule(values: Record<string, unknown>) {
  return ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, ignoreEnvVars: true, load: [() => values] });
}

describe('AuthGuard (global, through AuthModule)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [configModule({ NODE_ENV: 'test' }), AuthModule],
      controllers: [HealthTestController, ThingsController, AdminController],
      providers: [AUTH_GUARD_PROVIDER],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => app.close());

  const token = (role: string, agency = 'unhcr', extra: Record<string, unknown> = {}) =>
    mintDevToken({ role, agency, sub: `${role}-1`, ...extra });

  it('lets @Public() controllers and handlers through without a token', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    await request(app.getHttpServer()).get('/things/open').expect(200, { open: true });
  });

  it('answers 401 token_missing with a Bearer challenge and a problem-details body', async () => {
    const res = await request(app.getHttpServer()).get('/things/me').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="kinlink-admin-api"');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:kinlink:problem:token_missing',
      title: 'Unauthorized',
      status: 401,
      detail: expect.any(String),
      code: 'token_missing',
    });
  });

  it('treats a non-Bearer Authorization as missing credentials', async () => {
    const res = await request(app.getHttpServer()).get('/things/me').set('Authorization', 'Basic YWxpY2U6c2VjcmV0').expect(401);
    expect(res.body.code).toBe('token_missing');
  });

  it('puts the verified user on the request for @CurrentUser()', async () => {
    const res = await request(app.getHttpServer())
      .get('/things/me')
      .set('Authorization', `Bearer ${await token('coordinator', 'unhcr', { agencies: ['icrc'] })}`)
      .expect(200);
    expect(res.body).toEqual({ id: 'coordinator-1', role: 'coordinator', agencyId: 'unhcr', agencyScope: ['unhcr', 'icrc'] });
  });

  it.each<[string, () => Promise<string>, string]>([
    ['expired', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { expired: true }), 'token_expired'],
    ['wrong audience', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { audience: 'someone-else' }), 'token_wrong_audience'],
    ['wrong issuer', () => mintDevToken({ role: 'coordinator', agency: 'unhcr' }, { issuer: 'evil' }), 'token_wrong_issuer'],
    ['alg none', () => mintDevToken({ role: 'system-admin', agency: 'unhcr' }, { alg: 'none' }), 'token_invalid'],
    ['HS256 key confusion', () => mintDevToken({ role: 'system-admin', agency: 'unhcr' }, { alg: 'HS256-public-key' }), 'token_invalid'],
    ['unknown role', () => mintDevToken({ role: 'root', agency: 'unhcr' }), 'token_claims_invalid'],
    ['missing agency', () => mintDevToken({ role: 'coordinator' }), 'token_claims_invalid'],
  ])('refuses a %s token with 401 and code, without echoing the token or a stack', async (_name, mint, code) => {
    const bad = await mint();
    const res = await request(app.getHttpServer()).get('/things/me').set('Authorization', `Bearer ${bad}`).expect(401);
    expect(res.body).toEqual({ type: `urn:kinlink:problem:${code}`, title: 'Unauthorized', status: 401, detail: expect.any(String), code });
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="kinlink-admin-api", error="invalid_token", error_description="${code}"`);
    expect(res.text).not.toContain(bad.split('.')[1] || bad);
    expect(res.text).not.toMatch(/ at |\.ts:|stack/i);
  });

  it('enforces @Roles on handlers: 403 role_forbidden without a challenge', async () => {
    const server = app.getHttpServer();
    const res = await request(server).get('/things/approve').set('Authorization', `Bearer ${await token('coordinator')}`).expect(403);
    expect(res.body).toEqual({ type: 'urn:kinlink:problem:role_forbidden', title: 'Forbidden', status: 403, detail: expect.any(String), code: 'role_forbidden' });
    expect(res.headers['www-authenticate']).toBeUndefined();
    await request(server).get('/things/approve').set('Authorization', `Bearer ${await token('supervisor')}`).expect(200, { approvedBy: 'supervisor-1' });
  });

  it('enforces @Roles on controllers, with handler-level roles overriding them', async () => {
    const server = app.getHttpServer();
    await request(server).get('/admin/settings').set('Authorization', `Bearer ${await token('agency-admin')}`).expect(403);
    await request(server).get('/admin/settings').set('Authorization', `Bearer ${await token('system-admin')}`).expect(200);
    await request(server).get('/admin/agency').set('Authorization', `Bearer ${await token('agency-admin')}`).expect(200);
    await request(server).get('/admin/agency').set('Authorization', `Bearer ${await token('auditor')}`).expect(403);
  });

  it('checks the token before the role (a bad token on a role-limited route is 401, not 403)', async () => {
    const expired = await mintDevToken({ role: 'system-admin', agency: 'unhcr' }, { expired: true });
    const res = await request(app.getHttpServer()).get('/admin/settings').set('Authorization', `Bearer ${expired}`).expect(401);
    expect(res.body.code).toBe('token_expired');
  });
});

describe('AuthModule boot', () => {
  @Module({ imports: [AuthModule], controllers: [ThingsController], providers: [AUTH_GUARD_PROVIDER] })
  class AppUnderTest {}

  it('fails to start in production without AUTH_JWKS_URL / AUTH_PUBLIC_KEY_FILE', async () => {
    await expect(
      Test.createTestingModule({ imports: [configModule({ NODE_ENV: 'production' }), AppUnderTest] }).compile(),
    ).rejects.toThrow(/No token verification key configured/);
  });

  it('fails to start when the configured key file is unreadable', async () => {
    await expect(
      Test.createTestingModule({ imports: [configModule({ NODE_ENV: 'production', AUTH_PUBLIC_KEY_FILE: '/nonexistent/key.pem' }), AppUnderTest] }).compile(),
    ).rejects.toThrow(/Cannot read AUTH_PUBLIC_KEY_FILE/);
  });
});
