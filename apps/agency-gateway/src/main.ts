import 'reflect-metadata';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { AGENCY_INBOUND, bootstrapService } from '@kinlink/kafka';
import { GatewayModule } from './gateway.module';
import { CheckAgencyEvent } from './intake/check-agency-event.usecase';

void bootstrapService({
  service: 'agency-gateway',
  module: GatewayModule,
  // agency events in; records (who owns which record), proposals and case steps out to the agencies
  subscribe: [AGENCY_INBOUND, INTERNAL_TOPICS.records, INTERNAL_TOPICS.matches, INTERNAL_TOPICS.cases],
  // a slice of agency events: checked, and their records' keys got or created, in one round trip
  prepareSlice: (app) => {
    const intake = app.get(CheckAgencyEvent);
    return async (pattern, messages) => {
      if (pattern === AGENCY_INBOUND) await intake.prepare(messages);
    };
  },
});
