import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { PrivacyModule } from '@kinlink/privacy';
import { registryEnvSchema } from './config';
import { RecordsModule } from './records/records.module';
import { REGISTRY_CONSUMER } from './records/apply-agency-event.usecase';
import { ChildEntity, TracingRequestEntity } from './records/record.entities';
import { Records1732700000001 } from './migrations/1732700000001-records';
import { Erasure1732700000016 } from './migrations/1732700000016-erasure';

@Module({
  imports: [
    kinlinkConfigModule(registryEnvSchema),
    DatabaseModule.forService({ schema: 'registry', entities: [ChildEntity, TracingRequestEntity], migrations: [Records1732700000001, Erasure1732700000016] }),
    // the intake inbox is keyed by the agency's own event id: an agency may send an event again long after Kafka forgot it
    KafkaModule.forService('registry', { inboxKeptForever: [REGISTRY_CONSUMER] }),
    PrivacyModule.forService(),
    RecordsModule,
  ],
})
export class RegistryModule {}
