import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { registryEnvSchema } from './config';
import { RecordsModule } from './records/records.module';
import { ChildEntity, TracingRequestEntity } from './records/record.entities';
import { Records1732700000001 } from './migrations/1732700000001-records';

@Module({
  imports: [
    kinlinkConfigModule(registryEnvSchema),
    DatabaseModule.forService({ schema: 'registry', entities: [ChildEntity, TracingRequestEntity], migrations: [Records1732700000001] }),
    KafkaModule.forService('registry'),
    RecordsModule,
  ],
})
export class RegistryModule {}
