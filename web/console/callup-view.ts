import type { Drive } from '../../src/config/compile-drive.ts';

/**
 * Call-ups as the API shows them to the console (src/services/callups/callups.ts), and the few
 * figures the screens derive from them.
 */

export type CallupState = 'draft' | 'running' | 'filled' | 'closed' | 'cancelled';

export interface CallupNeed {
  id: string;
  role: string;
  skill: string | null;
  count: number;
  confirmed: number;
}

export interface CallupView {
  id: string;
  title: string;
  status: CallupState;
  areas: string[];
  reportPlace: string;
  reportAt: string;
  answerBy: string;
  texts: Record<string, string>;
  priority: number;
  wave: number;
  createdAt: string;
  needs: CallupNeed[];
}

/** Live counts of one need (people per answer state). */
export interface NeedCounts {
  needId: string;
  role: string;
  skill: string | null;
  count: number;
  confirmed: number;
  asked: number;
  delivered: number;
  yes: number;
  no: number;
  no_answer: number;
  standby: number;
  cancelled: number;
  waiting: number;
  delivered_total: number;
}

export interface CallupStatusView {
  callup: CallupView;
  needs: NeedCounts[];
}

export interface PreviewNeedView {
  needId: string;
  role: string;
  skill: string | null;
  count: number;
  eligible: number;
  firstWave: number;
  byArea: Record<string, number>;
  sizes: { language: string; encoding: string; segments: number; ok: boolean }[];
}

/** The columns of the live table: key (class of the cell) and label code. */
export const LIVE_COLUMNS = [
  ['asked', 'callup_asked'],
  ['delivered', 'callup_delivered'],
  ['yes', 'callup_yes'],
  ['no', 'callup_no'],
  ['no_answer', 'callup_no_answer'],
  ['standby', 'callup_standby'],
  ['waiting', 'callup_waiting'],
] as const;
export type LiveColumn = (typeof LIVE_COLUMNS)[number][0];

/** One figure of the live table. */
export function liveFigure(n: NeedCounts, column: LiveColumn): number {
  switch (column) {
    case 'asked':
      // The state "asked" holds only people whose message is not yet known delivered: everyone asked
      // is every recipient but those whose question was withdrawn before it left.
      return n.asked + n.delivered + n.yes + n.no + n.no_answer + n.standby;
    case 'delivered':
      return n.delivered_total;
    default:
      return n[column];
  }
}

/** "Medical care · Nurse", in the interface language. */
export function needLabel(drive: Drive, lang: string, need: { role: string; skill: string | null }, anySkill: string): string {
  const role = drive.roles.get(need.role);
  const skill = need.skill === null ? null : drive.skills.get(need.skill);
  const roleText = role ? drive.label(role.labels, lang) : need.role;
  const skillText = need.skill === null ? anySkill : skill ? drive.label(skill.labels, lang) : need.skill;
  return `${roleText} · ${skillText}`;
}

/** Call-ups that still take answers or may still be started. */
export function isOpen(status: CallupState): boolean {
  return status === 'draft' || status === 'running' || status === 'filled';
}
