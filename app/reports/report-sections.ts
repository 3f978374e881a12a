import { countOpen, isOpen, type Finding } from '../../core/findings/finding';
import type { Custodian, Seal } from '../../core/inventory/inventory';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import type { ReportSection } from '../../core/reports/report';
import type { KeywardDatabase } from '../../db/connection';
import { findCustodianCredential } from '../../db/custody';

type Time = (iso: string) => string;

/** What verification found when the report was made: the paper says whether the history under it held. */
export function verificationSection(v: LedgerVerification, when: string): ReportSection {
  return {
    title: 'Ledger verification at generation',
    lines: v.ok
      ? [
          `Verified ${when}: ${v.entries.toLocaleString('en')} entries, each hash and link, every custodian's signature and the inventory replayed against the tables; no change found.`,
          `Head: entry ${v.headSeq}, ${v.headHash}.`,
        ]
      : [`LEDGER DID NOT VERIFY ${when}: entry ${v.firstBadSeq ?? '?'}, ${v.message ?? v.reason ?? 'verification failed'}.`, 'Nothing in this report can be relied on until the database is compared with the last printed head and a backup.'],
  };
}

/** Sign-ins of emergency accounts outside any logged checkout, and drills that saw no sign-in: open, or begun or resolved in the period. */
export function incidentsSection(findings: readonly Finding[], from: string, to: string, t: Time, zone: string): ReportSection {
  const inPeriod = (iso: string) => iso >= from && iso <= to;
  const shown = findings.filter((f) => (f.kind === 'signin-incident' || f.kind === 'drill-incomplete') && (isOpen(f) || inPeriod(f.since) || inPeriod(f.resolution!.at)));
  const incidents = shown.filter((f) => f.kind === 'signin-incident');
  return {
    title: 'Sign-in incidents',
    lines: [`${incidents.length} sign-in(s) of an emergency account outside any logged checkout (${incidents.filter(isOpen).length} open); ${shown.length - incidents.length} drill(s) without a sign-in.`],
    table: {
      columns: [{ header: 'What', width: 0.14 }, { header: `When ${zone}`, width: 0.18 }, { header: 'Account or item', width: 0.22 }, { header: 'Sign-in', width: 0.28 }, { header: 'State', width: 0.18 }],
      rows: shown.map((f) => [
        f.kind === 'signin-incident' ? 'INCIDENT' : `drill without a sign-in${f.drill ? ' (drill)' : ''}`,
        t(f.since),
        f.subject.label,
        f.detail,
        f.resolution ? `resolved (entry ${f.resolution.seq}) by ${f.resolution.by.join(' and ')}: ${f.resolution.reason}` : 'OPEN',
      ]),
      empty: 'No sign-in of an emergency account fell outside a logged checkout.',
    },
  };
}

/** The circle of trust: each custodian and the key they approve with. */
export function custodiansSection(db: KeywardDatabase, custodians: readonly Custodian[]): ReportSection {
  return {
    title: 'Custodians and their keys',
    table: {
      columns: [{ header: 'Custodian', width: 0.2 }, { header: 'State', width: 0.12 }, { header: 'Key', width: 0.18 }, { header: 'AAGUID', width: 0.3, mono: true }, { header: 'Credential', width: 0.2, mono: true }],
      rows: custodians.map((c) => {
        const key = findCustodianCredential(db, c.id);
        return [
          c.name,
          c.active ? 'active' : 'deactivated',
          key ? `${key.model}${key.simulated ? ' (drill)' : ''}` : 'NO KEY enrolled',
          key?.aaguid ?? '',
          key ? `${key.credentialId.slice(0, 16)}…` : '',
        ];
      }),
      empty: 'No custodians are recorded yet.',
    },
  };
}

/** Seals in stock and sealing items now; those broken in the period are in the transactions, counted here. */
export function sealSection(seals: readonly Seal[], brokenInPeriod: number): ReportSection {
  const current = seals.filter((s) => s.state !== 'broken');
  return {
    title: 'Seal register',
    lines: [`${current.filter((s) => s.state === 'sealing').length} seal(s) holding an item, ${current.filter((s) => s.state === 'unused').length} in stock; ${brokenInPeriod} broken in the period (see the transactions); ${seals.length - current.length} broken in all.`],
    table: {
      columns: [{ header: 'Serial', width: 0.25, mono: true }, { header: 'State', width: 0.2 }, { header: 'Holds', width: 0.3 }, { header: 'Registered', width: 0.25 }],
      rows: current.map((s) => [s.serial, s.state === 'sealing' ? 'sealing an item' : 'in stock', s.holds ?? '', s.createdAt.slice(0, 10)]),
      empty: 'No seal is in stock or sealing an item.',
    },
  };
}

/** Open findings, most severe first, and those resolved in the period with who resolved them and why. */
export function findingsSection(findings: readonly Finding[], from: string, to: string, t: Time, zone: string): ReportSection {
  const open = findings.filter(isOpen);
  const resolved = findings.filter((f) => f.resolution && f.resolution.at >= from && f.resolution.at <= to);
  const counts = countOpen(findings);
  return {
    title: 'Findings',
    lines: [
      open.length ? `${open.length} open: ${counts.critical} critical, ${counts.warning} warning, ${counts.notice} notice. ${resolved.length} resolved in the period.` : `No finding is open. ${resolved.length} resolved in the period.`,
    ],
    table: {
      columns: [{ header: 'Severity', width: 0.1 }, { header: 'State', width: 0.14 }, { header: `Since ${zone}`, width: 0.18 }, { header: 'Finding', width: 0.27 }, { header: 'Detail, resolution', width: 0.31 }],
      rows: [...open, ...resolved].map((f) => [
        f.severity.toUpperCase(),
        f.resolution ? `resolved (entry ${f.resolution.seq})` : 'OPEN',
        t(f.since),
        `${f.title}${f.drill ? ' (drill)' : ''}`,
        f.resolution ? `${t(f.resolution.at)} by ${f.resolution.by.join(' and ')}${f.resolution.choice === 'none' ? '' : ` (${f.resolution.choice})`}: ${f.resolution.reason}` : `${f.detail}${f.evidence.length ? ` (entries ${f.evidence.join(', ')})` : ''}`,
      ]),
      empty: 'No findings were open or resolved in this period.',
    },
  };
}
