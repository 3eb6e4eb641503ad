import { Global, Module } from '@nestjs/common';
import { CheckAgencyEvent } from '../intake/check-agency-event.usecase';
import { AgencyRegistry } from './agency-registry';
import { RegisteredAgencyIntake } from './registered-agency-intake';

/**
 * Agencies registered and revoked at run time (`npm run agency:add` / `agency:remove`, table
 * `agency_gateway.agency`): the registry (global, so other gateway modules can ask
 * `AgencyRegistry.accepts(id)`) and the consumer of the registered agencies' inbound topics.
 */
@Global()
@Module({
  providers: [AgencyRegistry, RegisteredAgencyIntake, CheckAgencyEvent],
  exports: [AgencyRegistry],
})
export class AgenciesModule {}
