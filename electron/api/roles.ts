// Roles and what each may do (R2). The vendor role maintains the system and sees no reads.
export const ROLES = [
  'administrator',
  'analyst',
  'investigator',
  'dispatcher',
  'supervisor',
  'auditor',
  'vendor-maintenance',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'reads.view', // see ALPR data (with purpose, case and current training)
  'reads.import', // bring reads into the store
  'users.manage',
  'training.manage',
  'agency.manage',
  'audit.view',
  'audit.verify',
  'system.maintain',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  administrator: PERMISSIONS,
  analyst: ['reads.view', 'reads.import'],
  investigator: ['reads.view'],
  dispatcher: ['reads.view'],
  supervisor: ['reads.view', 'training.manage', 'audit.view'],
  auditor: ['audit.view', 'audit.verify'],
  'vendor-maintenance': ['system.maintain'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}
