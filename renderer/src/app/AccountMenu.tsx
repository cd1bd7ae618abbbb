// The member's own account: change password, enrol two-factor sign-in, lock, sign out (R3).
import { Badge, Button, Kbd, Menu, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { PasswordForm } from '../auth/PasswordForm';
import { lockSession, signOut } from '../auth/store';
import { TotpEnrol } from '../auth/TotpEnrol';
import { notifications } from '@mantine/notifications';
import { useSession } from './sessionStore';

export function AccountMenu() {
  const me = useSession((s) => s.me)!;
  const [modal, setModal] = useState<'password' | 'totp' | null>(null);
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" data-testid="account-menu">
            {me.user.displayName}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            {me.user.username} · {me.user.role}
          </Menu.Label>
          <Menu.Item disabled>
            <Text size="xs">
              Training {me.trainingCurrent ? `valid until ${me.trainingValidUntil}` : 'not current'}{' '}
              {me.user.totpEnabled && <Badge size="xs">2FA</Badge>}
            </Text>
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={() => setModal('password')} data-testid="menu-change-password">
            Change password
          </Menu.Item>
          <Menu.Item onClick={() => setModal('totp')} data-testid="menu-totp">
            {me.user.totpEnabled ? 'Re-enrol two-factor sign-in' : 'Enrol two-factor sign-in'}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item
            onClick={() => void lockSession()}
            rightSection={<Kbd size="xs">Ctrl ⇧ L</Kbd>}
            data-testid="menu-lock"
          >
            Lock
          </Menu.Item>
          <Menu.Item color="red" onClick={() => void signOut()} data-testid="menu-sign-out">
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={modal === 'password'} onClose={() => setModal(null)} title="Change password">
        <PasswordForm
          onDone={() => {
            setModal(null);
            notifications.show({ color: 'green', message: 'Password changed.' });
          }}
        />
      </Modal>
      <Modal opened={modal === 'totp'} onClose={() => setModal(null)} title="Two-factor sign-in">
        <TotpEnrol />
      </Modal>
    </>
  );
}
