import { baseEnvSchema } from '@kinlink/config';

export const registryEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3102),
});
