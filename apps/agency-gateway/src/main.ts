import 'reflect-metadata';
import { AGENCY_INBOUND, bootstrapService } from '@kinlink/kafka';
import { GatewayModule } from './gateway.module';

void bootstrapService({ service: 'agency-gateway', module: GatewayModule, subscribe: [AGENCY_INBOUND] });
