// Administration state (R2, R15): members with their training status, training records of
// the selected member, and the agency profile. Every change goes through an audited command;
// lists are reloaded after each so the screen shows what the core holds.
import { create } from 'zustand';
import type { AgencyDto, TrainingDto, TrainingMemberDto, UserDto } from '../../../electron/api/types';
import { call, messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { refreshMe } from '../auth/store';

export type UserRow = UserDto & { trainingValidUntil: string | null };

interface AdminState {
  users: UserRow[];
  usersError: string | null;
  /** Members as the training tab lists them (supervisors may record training without managing users). */
  members: TrainingMemberDto[];
  trainingUserId: number | null;
  training: TrainingDto[];
  trainingError: string | null;
  agency: AgencyDto | null;
  agencyError: string | null;
  loadUsers(): Promise<void>;
  loadMembers(): Promise<void>;
  selectTrainingUser(id: number | null): Promise<void>;
  loadTraining(): Promise<void>;
  loadAgency(): Promise<void>;
  /** After a change that may concern the signed-in member (own training, policy), refresh `me`. */
  afterChange(): Promise<void>;
  reset(): void;
}

const INITIAL = {
  users: [],
  usersError: null,
  members: [],
  trainingUserId: null,
  training: [],
  trainingError: null,
  agency: null,
  agencyError: null,
};

export const useAdminStore = create<AdminState>()((set, get) => ({
  ...INITIAL,
  loadUsers: async () => {
    if (!hasPerm('users.manage')) return;
    try {
      set({ users: await call('users.list', {}), usersError: null });
    } catch (e) {
      set({ usersError: messageOf(e) });
    }
  },
  loadMembers: async () => {
    if (!hasPerm('training.manage')) return;
    try {
      set({ members: await call('training.members', {}), trainingError: null });
    } catch (e) {
      set({ trainingError: messageOf(e) });
    }
  },
  selectTrainingUser: async (id) => {
    set({ trainingUserId: id, training: [] });
    await get().loadTraining();
  },
  loadTraining: async () => {
    const id = get().trainingUserId;
    if (id === null) return;
    try {
      const training = await call('training.list', { userId: id });
      if (get().trainingUserId === id) set({ training, trainingError: null });
    } catch (e) {
      set({ trainingError: messageOf(e) });
    }
  },
  loadAgency: async () => {
    try {
      set({ agency: await call('agency.get', {}), agencyError: null });
    } catch (e) {
      set({ agencyError: messageOf(e) });
    }
  },
  afterChange: async () => {
    await Promise.all([get().loadUsers(), refreshMe().catch(() => undefined)]);
  },
  reset: () => set(INITIAL),
}));

function hasPerm(p: 'users.manage' | 'training.manage' | 'agency.manage'): boolean {
  return useSession.getState().me?.permissions.includes(p) ?? false;
}

useSession.subscribe((s, prev) => {
  if (prev.me && !s.me) useAdminStore.getState().reset();
});
