// Providers (theme, dates, notifications) and the phase switch: each session phase has exactly
// one screen. The phase is published on <body data-canvass-ready> so end-to-end tests wait on
// the app instead of on time (STYLE 11).
import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import { ChangePasswordPage } from '../auth/ChangePasswordPage';
import { LockScreen } from '../auth/LockScreen';
import { PolicyPage } from '../auth/PolicyPage';
import { SignInPage } from '../auth/SignInPage';
import { bootSession } from '../auth/store';
import { SetupPage } from '../setup/SetupPage';
import { AppLayout } from './AppLayout';
import { FatalScreen, LoadingScreen } from './StatusScreens';
import { derivePhase, useSession } from './sessionStore';
import { colorSchemeManager, theme } from './theme';

function PhaseSwitch() {
  const phase = useSession(derivePhase);
  useEffect(() => {
    void bootSession();
  }, []);
  useEffect(() => {
    document.body.dataset.canvassReady = phase;
  }, [phase]);
  switch (phase) {
    case 'loading':
      return <LoadingScreen />;
    case 'fatal':
      return <FatalScreen />;
    case 'setup':
      return <SetupPage />;
    case 'signin':
      return <SignInPage />;
    case 'locked':
      return <LockScreen />;
    case 'policy':
      return <PolicyPage />;
    case 'password':
      return <ChangePasswordPage />;
    case 'app':
      return <AppLayout />;
  }
}

export function Root() {
  return (
    <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="light">
      <DatesProvider settings={{ firstDayOfWeek: 0 }}>
        <Notifications position="top-right" />
        <PhaseSwitch />
      </DatesProvider>
    </MantineProvider>
  );
}
