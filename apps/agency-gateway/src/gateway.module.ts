import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { gatewayEnvSchema } from './config';
import { IntakeModule } from './intake/intake.module';

@Module({
  imports: [
    kinlinkConfigModule(gatewayEnvSchema),
    // the gateway keeps no records; its schema holds only its outbox/inbox (and, later, agency registrations)
    DatabaseModule.forService({ schema: 'agency_gateway', entities: [], migrations: [] }),
    KafkaModule.forService('agency-gateway'),
    IntakeModule,
  ],
})
export class GatewayModule {}
