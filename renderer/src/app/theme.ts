// Theme and colour-scheme persistence. The scheme lives in localStorage under our own key, so
// the light/dark choice survives restarts on the same workstation.
import { createTheme, Drawer, localStorageColorSchemeManager, Modal, Notification } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // System fonts only: the app runs offline and loads nothing from a CDN.
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
  defaultRadius: 'sm',
  // Icon-only close buttons get a name, so a screen reader says what they do.
  components: {
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
    }),
  },
});

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'canvass-color-scheme' });
