export const STAFF_ROLES = ['analyst', 'lead', 'admin', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The authenticated staff member of a request. */
export interface StaffPrincipal {
  analystId: string;
  username: string;
  role: StaffRole;
  sessionId: string;
  mustChangePassword: boolean;
}
