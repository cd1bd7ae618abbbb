// One way to run a user-triggered change and tell the member how it went: a green note on
// success, the core's message on failure (session errors are already routed by api.ts).
import { notifications } from '@mantine/notifications';
import { messageOf } from '../api';

export async function runAction(success: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    notifications.show({ color: 'green', message: success });
    return true;
  } catch (e) {
    notifications.show({ color: 'red', title: 'Not done', message: messageOf(e), autoClose: 8000 });
    return false;
  }
}
