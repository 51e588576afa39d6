import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every `intervalMs`, for what ages without an event: elapsed time,
 * heartbeat ages, a worker turning lost.
 */
export function useClock(now: () => number, intervalMs = 1000): number {
  const [nowMs, setNowMs] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setNowMs(now()), intervalMs);
    return () => clearInterval(timer);
  }, [now, intervalMs]);
  return nowMs;
}
