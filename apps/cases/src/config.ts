import { baseEnvSchema } from '@kinlink/config';

export const casesEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3104),
});
