import type { StaffPrincipal } from './roles.js';

/** A staff member as the audit trail records them. */
export interface AuditActor {
  id: string;
  username: string;
  role: string;
}

/**
 * Who acted, as the audit trail records it: a staff member and their address,
 * or nobody (`actor: null, ip: null`) for what runs on the server host (tipctl).
 */
export interface Actor {
  actor: AuditActor | null;
  ip: string | null;
}

/** A signed-in staff member acting through the API, from `@Actor()`. */
export interface StaffActor extends Actor {
  staff: StaffPrincipal;
  actor: AuditActor;
  ip: string;
}

export function staffActor(staff: StaffPrincipal, ip: string): StaffActor {
  return {
    staff,
    actor: { id: staff.analystId, username: staff.username, role: staff.role },
    ip,
  };
}
