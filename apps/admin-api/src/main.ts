import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { bootstrapService } from '@kinlink/kafka';
import { prefetchSliceKeys, SubjectCipher } from '@kinlink/privacy';
import { AdminApiModule } from './admin-api.module';
import { documentRoutes } from './common/openapi';
import { ProblemDetailsFilter } from './common/problem-details.filter';

void bootstrapService({
  service: 'admin-api',
  module: AdminApiModule,
  subscribe: [INTERNAL_TOPICS.records, INTERNAL_TOPICS.matches, INTERNAL_TOPICS.cases, INTERNAL_TOPICS.audit],
  // the keys of a slice's records and proposals in one round trip (audit leaves open nothing)
  prepareSlice: (app) => prefetchSliceKeys(app.get(SubjectCipher), [INTERNAL_TOPICS.audit]),
  configureHttp: (base) => {
    const app = base as NestExpressApplication;
    app.use(helmet({ frameguard: { action: 'deny' } }));
    // children's identities and whereabouts must not sit in shared caches or browser history
    app.use((_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
      next();
    });
    app.set('etag', false);
    app.enableCors({ origin: false });
    app.useBodyParser('json', { limit: '32kb' });
    app.useGlobalFilters(new ProblemDetailsFilter());
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    const doc = new DocumentBuilder()
      .setTitle('Kinlink admin API')
      .setDescription('Match review, reunification cases and the audit trail, for coordinators, supervisors and auditors. Errors are RFC 9457 problem details.')
      .setVersion('1')
      .addBearerAuth()
      .build();
    // roles and problem-details errors of every route, from what the routes enforce
    SwaggerModule.setup('docs', app, documentRoutes(app, SwaggerModule.createDocument(app, doc)));
  },
});
