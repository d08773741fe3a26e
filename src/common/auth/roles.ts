export const STAFF_ROLES = ['analyst', 'lead', 'admin', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The authenticated staff member of a request. */
export interface StaffPrincipal {
  analystId: string;
  username: string;
  role: StaffRole;
  sessionId: string;
  mustChangePassword: boolean;
  /** A content role that awaits a second person's approval: it grants nothing yet. */
  rolePending?: boolean;
}

/** The partner behind an API key. */
export interface PartnerPrincipal {
  partnerId: string;
  partnerName: string;
  keyId: string;
  scopes: readonly string[];
  requestsPerMinute: number;
  tipsPerDay: number;
  requireSignature: boolean;
}
