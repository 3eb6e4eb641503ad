import { baseEnvSchema } from '@kinlink/config';

export const gatewayEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3101),
});
