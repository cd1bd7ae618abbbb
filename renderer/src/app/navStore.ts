// Which page of the main layout is open. Plain state, no URL router: the app has few pages
// and no deep links to share (links to ALPR data would bypass the purpose prompt, R1).
import { create } from 'zustand';

export type PageId = 'canvass' | 'reads' | 'map' | 'import' | 'footage' | 'audit' | 'admin';

interface NavState {
  page: PageId;
  go(page: PageId): void;
}

export const useNav = create<NavState>()((set) => ({
  page: 'reads',
  go: (page) => set({ page }),
}));
