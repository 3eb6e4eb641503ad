import 'reflect-metadata';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { AGENCY_INBOUND, bootstrapService } from '@kinlink/kafka';
import { GatewayModule } from './gateway.module';

void bootstrapService({
  service: 'agency-gateway',
  module: GatewayModule,
  // agency events in; records (who owns which record), proposals and case steps out to the agencies
  subscribe: [AGENCY_INBOUND, INTERNAL_TOPICS.records, INTERNAL_TOPICS.matches, INTERNAL_TOPICS.cases],
});
