import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { PrivacyModule } from '@kinlink/privacy';
import { AgenciesModule } from './agencies/agencies.module';
import { gatewayEnvSchema } from './config';
import { IntakeModule } from './intake/intake.module';
import { AgencyNotifications1732700000007 } from './migrations/1732700000007-agency-notifications';
import { AgencyRegistry1732700000012 } from './migrations/1732700000012-agency-registry';
import { ProtectionHold1732700000014 } from './migrations/1732700000014-protection-hold';
import { NotificationsModule } from './notifications/notifications.module';

@Module({
  imports: [
    kinlinkConfigModule(gatewayEnvSchema),
    // the gateway keeps no records: its schema holds its outbox/inbox and which agency owns which record id
    DatabaseModule.forService({ schema: 'agency_gateway', entities: [], migrations: [AgencyNotifications1732700000007, AgencyRegistry1732700000012, ProtectionHold1732700000014] }),
    KafkaModule.forService('agency-gateway'),
    PrivacyModule.forService(),
    IntakeModule,
    NotificationsModule,
    AgenciesModule,
  ],
})
export class GatewayModule {}
