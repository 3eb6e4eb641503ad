import { baseEnvSchema } from '@kinlink/config';

export const auditEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3105),
});
