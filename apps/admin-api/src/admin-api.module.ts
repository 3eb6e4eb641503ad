import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ConfigService } from '@nestjs/config';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { AUTH_GUARD_PROVIDER, AuthModule } from './auth';
import { AuditTrailController } from './audit-trail/audit-trail.controller';
import { CaseworkController } from './casework/casework.controller';
import { CaseworkService } from './casework/casework.service';
import { CommandBus } from './common/command-bus';
import { DashboardController } from './dashboard/dashboard.controller';
import { adminApiEnvSchema } from './config';
import { Projections1732700000004 } from './migrations/1732700000004-projections';
import { ProjectionsModule } from './projections/projections.module';
import { RecordsController } from './records/records.controller';
import { ReviewController } from './review/review.controller';
import { ReviewService } from './review/review.service';

@Module({
  imports: [
    kinlinkConfigModule(adminApiEnvSchema),
    DatabaseModule.forService({ schema: 'admin_api', entities: [], migrations: [Projections1732700000004] }),
    KafkaModule.forService('admin-api'),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => [{ ttl: 60_000, limit: config.getOrThrow<number>('RATE_LIMIT_PER_MINUTE') }],
    }),
    AuthModule,
    ProjectionsModule,
  ],
  controllers: [ReviewController, CaseworkController, RecordsController, AuditTrailController, DashboardController],
  providers: [
    CommandBus, ReviewService, CaseworkService,
    AUTH_GUARD_PROVIDER, // authentication first, then the rate limit per caller
    { provide: APP_GUARD, useClass: ThrottlerGuard },
  ],
})
export class AdminApiModule {}
