// R3 idle lock: after `me.idleLockMinutes` without keyboard or pointer input the session is
// locked (auth.lock) and the lock screen replaces everything. While the member is active a
// throttled auth.me keeps the core's own idle clock in step with ours and picks up changes
// (a new policy version to acknowledge, expired training).
import { useEffect, useRef } from 'react';
import { lockSession, refreshMe } from '../auth/store';
import { isIdle } from './idle';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
const CHECK_EVERY_MS = 10_000;
const HEARTBEAT_MS = 60_000;

export function useIdleLock(idleMinutes: number): void {
  const lastActivity = useRef(Date.now());
  const lastBeat = useRef(Date.now());

  useEffect(() => {
    lastActivity.current = Date.now();
    const onActivity = () => {
      lastActivity.current = Date.now();
    };
    for (const ev of ACTIVITY_EVENTS)
      window.addEventListener(ev, onActivity, { passive: true, capture: true });
    const timer = window.setInterval(() => {
      const now = Date.now();
      if (isIdle(lastActivity.current, now, idleMinutes)) {
        void lockSession();
        return;
      }
      if (lastActivity.current > lastBeat.current && now - lastBeat.current >= HEARTBEAT_MS) {
        lastBeat.current = now;
        refreshMe().catch(() => undefined);
      }
    }, CHECK_EVERY_MS);
    return () => {
      window.clearInterval(timer);
      for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, onActivity, { capture: true });
    };
  }, [idleMinutes]);
}
