/**
 * Named pauses that widen the windows the reliability suite (test/faults) kills processes in.
 * Inert unless `KINLINK_FAILPOINTS` is set, and always inert with NODE_ENV=production.
 *
 *   KINLINK_FAILPOINTS="relay.before-publish=3000,consumer.after-effect=500"   (milliseconds)
 *
 * - `relay.before-publish`: the outbox relay has read committed rows and waits before sending
 *   them (a kill -9 here leaves events committed with their business change but not published);
 * - `consumer.after-effect`: a handler's transaction has committed and the consumer waits before
 *   marking the offset (a kill -9 here makes Kafka deliver the event again).
 */
export type FailpointName = 'relay.before-publish' | 'consumer.after-effect';

let parsed: Map<string, number> | undefined;

export function failpointDelay(name: FailpointName, env: NodeJS.ProcessEnv = process.env): number {
  if (env.NODE_ENV === 'production') return 0;
  if (env === process.env) {
    parsed ??= parseFailpoints(env.KINLINK_FAILPOINTS);
    return parsed.get(name) ?? 0;
  }
  return parseFailpoints(env.KINLINK_FAILPOINTS).get(name) ?? 0;
}

export function parseFailpoints(spec: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    const ms = Number(value);
    if (name && Number.isFinite(ms) && ms > 0) out.set(name.trim(), Math.min(ms, 60_000));
  }
  return out;
}

export async function failpoint(name: FailpointName): Promise<void> {
  const ms = failpointDelay(name);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
