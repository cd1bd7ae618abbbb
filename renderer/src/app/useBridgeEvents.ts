// Application events pushed by the core through the bridge (`on('event')`). For now: after
// an import (by anyone on this workstation) the source list is reloaded and the member is
// told that the reads on screen may be out of date.
import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import { bridge } from '../api';
import { useReadsStore } from '../reads/store';

export function useBridgeEvents(): void {
  useEffect(() => {
    const b = bridge();
    if (!b) return;
    return b.on('event', (e) => {
      if (e.type === 'reads.imported') {
        void useReadsStore.getState().loadSources();
        // One note however many imports land (a footage job reports each file): with its own
        // id a second one is not stacked under the first, covering the header.
        notifications.show({
          id: 'reads-imported',
          color: 'blue',
          message: 'New reads were imported. Apply the filter again to include them.',
        });
      }
    });
  }, []);
}
