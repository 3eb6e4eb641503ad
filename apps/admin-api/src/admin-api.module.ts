import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ConfigService } from '@nestjs/config';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { PrivacyModule } from '@kinlink/privacy';
import { AUTH_GUARD_PROVIDER, AuthModule } from './auth';
import { AccessLog } from './audit-trail/access-log';
import { AuditTrailController } from './audit-trail/audit-trail.controller';
import { CaseworkController } from './casework/casework.controller';
import { CaseworkService } from './casework/casework.service';
import { CallerThrottlerGuard } from './common/caller-throttler.guard';
import { CommandBus } from './common/command-bus';
import { CommandsController } from './common/commands.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { adminApiEnvSchema } from './config';
import { Projections1732700000004 } from './migrations/1732700000004-projections';
import { AuditTrail1732700000006 } from './migrations/1732700000006-audit-trail';
import { CommandRequest1732700000009 } from './migrations/1732700000009-command-request';
import { Safeguarding1732700000013 } from './migrations/1732700000013-safeguarding';
import { Privacy1732700000016 } from './migrations/1732700000016-privacy';
import { ProposalRescored1732700000025 } from './migrations/1732700000025-proposal-rescored';
import { ProjectionsModule } from './projections/projections.module';
import { RecordNameIndex } from './records/name-index';
import { RecordNameIndexConsumer } from './records/name-index.consumer';
import { RecordsController } from './records/records.controller';
import { RecordsService } from './records/records.service';
import { ReviewController } from './review/review.controller';
import { ReviewService } from './review/review.service';

@Module({
  imports: [
    kinlinkConfigModule(adminApiEnvSchema),
    DatabaseModule.forService({ schema: 'admin_api', entities: [], migrations: [Projections1732700000004, AuditTrail1732700000006, CommandRequest1732700000009, Safeguarding1732700000013, Privacy1732700000016, ProposalRescored1732700000025] }),
    KafkaModule.forService('admin-api'),
    PrivacyModule.forService(),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => [{ ttl: 60_000, limit: config.getOrThrow<number>('RATE_LIMIT_PER_MINUTE') }],
    }),
    AuthModule,
    ProjectionsModule,
  ],
  controllers: [ReviewController, CaseworkController, CommandsController, RecordsController, AuditTrailController, DashboardController, RecordNameIndexConsumer],
  providers: [
    CommandBus, ReviewService, CaseworkService, RecordsService, RecordNameIndex, AccessLog,
    AUTH_GUARD_PROVIDER, // authentication first, then the rate limit per caller
    { provide: APP_GUARD, useClass: CallerThrottlerGuard },
  ],
})
export class AdminApiModule {}
