// Theme and colour-scheme persistence. The scheme lives in localStorage under our own key, so
// the light/dark choice survives restarts on the same workstation.
import { createTheme, localStorageColorSchemeManager } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // System fonts only: the app runs offline and loads nothing from a CDN.
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
  defaultRadius: 'sm',
});

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'canvass-color-scheme' });
