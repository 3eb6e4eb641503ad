import { stopServices } from '../../scripts/lib/system.mjs';

export default async function systemTeardown() {
  const children = globalThis.__KINLINK_SYSTEM__ ?? [];
  await stopServices(children);
}
