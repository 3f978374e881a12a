import type { Database } from 'better-sqlite3';
import { m001Foundation } from './001-foundation';
import { m002FidoKeys } from './002-fido-keys';
import { m003NetworkPaths } from './003-network-paths';
import { m004Custody } from './004-custody';
import { m005PostureFacts } from './005-posture-facts';
import { m006SignIns } from './006-signins';
import { m007AccountGroups } from './007-account-groups';
import { m008Smartcards } from './008-smartcards';
import { m009Findings } from './009-findings';
import { m010SealedItems } from './010-sealed-items';
import { m011DrillStoreApart } from './011-drill-store-apart';
import { m012KeyNotesCardCounters } from './012-key-notes-card-counters';
import { m013FidoMetadata } from './013-fido-metadata';
import { m014TenantEvidence } from './014-tenant-evidence';
import { m015CompactLedger } from './015-compact-ledger';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}

/** Ordered; a migration's version is its position. Never edit a released one: add the next. */
export const MIGRATIONS: readonly Migration[] = [m001Foundation, m002FidoKeys, m003NetworkPaths, m004Custody, m005PostureFacts, m006SignIns, m007AccountGroups, m008Smartcards, m009Findings, m010SealedItems, m011DrillStoreApart, m012KeyNotesCardCounters, m013FidoMetadata, m014TenantEvidence, m015CompactLedger];

export const SCHEMA_VERSION = MIGRATIONS.length;
