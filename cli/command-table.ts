// Every command as the parser and the help know it: its words, summary and options, and where its
// run lives. The command modules are imported only when one of their commands runs, so a command
// loads what it needs (pdfkit for the report, @simplewebauthn/server for a key touch) and no
// other's, and `keyward --help` loads none of them.
import type { Command, CommandModule, OptionSpec } from './command';

/** The loader of one command module's runs: `ledger('status')` is the status command's run. */
function runsOf<M extends CommandModule>(load: () => Promise<M>) {
  return (name: keyof M['runs'] & string) => async () => (await load()).runs[name]!;
}

const ledger = runsOf(() => import('./commands/ledger'));
const inventory = runsOf(() => import('./commands/inventory'));
const fido = runsOf(() => import('./commands/fido'));
const cards = runsOf(() => import('./commands/cards'));
const custody = runsOf(() => import('./commands/custody'));
const netpath = runsOf(() => import('./commands/netpath'));
const posture = runsOf(() => import('./commands/posture'));
const signins = runsOf(() => import('./commands/signins'));
const auditlog = runsOf(() => import('./commands/auditlog'));
const validation = runsOf(() => import('./commands/validation'));
const findings = runsOf(() => import('./commands/findings'));
const report = runsOf(() => import('./commands/report'));
const metadata = runsOf(() => import('./commands/metadata'));
const checkpoints = runsOf(() => import('./commands/checkpoints'));
const audit = runsOf(() => import('./commands/audit'));
const backup = runsOf(() => import('./commands/backup'));

const drillKeys: OptionSpec = { type: 'boolean', help: 'use drill keys from the drill store (for drills and scripted rehearsals)' };
const yn = (help: string): OptionSpec => ({ type: 'string', value: 'yes|no|unknown', help });
const stepOptions: Record<string, OptionSpec> = {
  step: { type: 'string', required: true, value: 'STEP', help: 'monitoring-informed, process-documented, people-trained, credentials-tested, no-personal-mfa, two-paths, cleanup-excluded or device-accessible' },
  custodian: { type: 'string', required: true, value: 'NAME', help: 'the custodian who attests, with their own key' },
  simulated: { type: 'boolean', help: 'the custodian uses a drill key' },
};

export const COMMANDS: readonly Command[] = [
  // ledger
  { path: ['init'], summary: 'Create the database and the ledger\'s first entry (does nothing if it exists)', options: {}, load: ledger('init') },
  { path: ['status'], readonly: true, summary: 'Show the open findings, the ledger\'s verification, counts and what is out; exit 2 while a critical finding is open', options: {}, load: ledger('status') },
  {
    path: ['ledger', 'verify'], readonly: true,
    summary: 'Walk the hash chain and name the first bad entry',
    options: {
      'expect-head': { type: 'string', value: 'HASH', help: 'a head hash printed earlier (e.g. on a report); fails if the ledger no longer contains it' },
      file: { type: 'string', value: 'FILE', help: 'verify an exported JSON Lines file instead of the database' },
      'expect-checkpoint': { type: 'string', value: 'HASH', help: 'a signed checkpoint known from elsewhere; fails if the ledger no longer passes through it' },
    },
    load: ledger('ledgerVerify'),
  },
  {
    path: ['ledger', 'export'], readonly: true,
    summary: 'Write the ledger as JSON Lines that verify on their own',
    options: { out: { type: 'string', required: true, value: 'FILE', help: 'file to write' } },
    load: ledger('ledgerExport'),
  },
  {
    path: ['ledger', 'show'], readonly: true,
    summary: 'Show the most recent ledger entries',
    options: { limit: { type: 'string', value: 'N', help: 'how many entries (default 20, at most 1000)' } },
    load: ledger('ledgerShow'),
  },
  { path: ['checkpoint'], summary: 'Two custodians sign the ledger head, its entry count and the site with their own keys', options: { custodian: { type: 'string', required: true, value: 'NAME', help: 'the first custodian' }, witness: { type: 'string', required: true, value: 'NAME', help: 'a second, different custodian' }, simulated: drillKeys }, load: checkpoints('checkpoint') },
  { path: ['checkpoint', 'list'], readonly: true, summary: 'List the signed checkpoints', options: {}, load: checkpoints('checkpointList') },
  { path: ['audit', 'export'], summary: 'Write an audit bundle (ledger, custodian keys, checkpoints, site) closed by a checkpoint two custodians sign', options: { out: { type: 'string', required: true, value: 'SITE-DATE.kwaudit', help: 'file to write' }, custodian: { type: 'string', required: true, value: 'NAME', help: 'the first custodian' }, witness: { type: 'string', required: true, value: 'NAME', help: 'a second, different custodian' }, simulated: drillKeys }, load: audit('auditExport') },
  { path: ['audit', 'verify'], summary: 'Verify an audit bundle with no database; exit 2 naming the member at fault', options: {}, positional: { name: 'file', help: 'the .kwaudit file' }, load: audit('auditVerify') },
  { path: ['audit', 'add'], summary: "Add a site's audit bundle to an auditor database; a fork or rollback of a site's chain is a critical finding (exit 2)", options: { auditor: { type: 'string', required: true, value: 'PATH', help: 'the auditor database (created on first use)' } }, positional: { name: 'file', help: 'the .kwaudit file' }, load: audit('auditAdd') },
  { path: ['audit', 'sites'], summary: 'Every site in an auditor database: head, checkpoints, bundles, what is out of the safe and the open findings; exit 2 while a critical one stands', options: { auditor: { type: 'string', required: true, value: 'PATH', help: 'the auditor database' } }, load: audit('auditSites') },
  { path: ['backup'], summary: 'Copy the database while it is in use, verify the copy, write it whole or not at all, and record it in the ledger', options: { out: { type: 'string', required: true, value: 'FILE', help: 'where to write the backup (removable media)' } }, load: backup('backup') },
  {
    path: ['restore'],
    summary: 'Put a verified backup in place of the database; one behind the last checkpoint needs two custodians and a reason',
    options: {
      'expect-checkpoint': { type: 'string', value: 'HASH', help: 'a checkpoint hash known from elsewhere (a report, an audit bundle) that the backup must hold' },
      custodian: { type: 'string', value: 'NAME', help: 'the first custodian signing a restore behind a checkpoint' },
      witness: { type: 'string', value: 'NAME', help: 'a second, different custodian' },
      reason: { type: 'string', value: 'TEXT', help: 'why history after the backup is given up' },
    },
    positional: { name: 'file', help: 'the backup file' },
    load: backup('restore'),
  },
  { path: ['site', 'name'], summary: "Name this site (printed on checkpoints and audit bundles; its id is the ledger's first hash)", options: { name: { type: 'string', required: true, value: 'NAME', help: 'e.g. "HQ"' } }, load: checkpoints('siteName') },
  // inventory
  {
    path: ['account', 'add'],
    summary: 'Add an emergency access account to the inventory',
    options: {
      upn: { type: 'string', required: true, value: 'UPN', help: 'user principal name, e.g. bg1@contoso.onmicrosoft.com' },
      'object-id': { type: 'string', required: true, value: 'ID', help: 'Entra object id (GUID)' },
      label: { type: 'string', value: 'TEXT', help: 'display label' },
    },
    load: inventory('accountAdd'),
  },
  { path: ['account', 'list'], readonly: true, summary: 'List emergency access accounts', options: {}, load: inventory('accountList') },
  {
    path: ['place', 'add'],
    summary: 'Add a storage place (site, safe, slot)',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: 'name of the place, e.g. "HQ safe A"' },
      site: { type: 'string', value: 'TEXT', help: 'site or building' },
      safe: { type: 'string', value: 'TEXT', help: 'safe or cabinet' },
      slot: { type: 'string', value: 'TEXT', help: 'slot or compartment' },
    },
    load: inventory('placeAdd'),
  },
  { path: ['place', 'list'], readonly: true, summary: 'List storage places', options: {}, load: inventory('placeList') },
  {
    path: ['place', 'access'],
    summary: 'Record who can open a storage place: the whole list, which replaces the last (the same list again confirms it); exit 2 if a key is then out of reach',
    options: {
      place: { type: 'string', required: true, value: 'NAME', help: 'the storage place' },
      person: { type: 'string', multiple: true, value: 'NAME', help: 'a person with access to the place (give each)' },
    },
    load: posture('placeAccess'),
  },
  { path: ['place', 'access-list'], readonly: true, summary: 'Who can open each storage place, what it holds, and when the list was recorded', options: {}, load: posture('placeAccessList') },
  {
    path: ['key', 'add'],
    summary: 'Add an authenticator (FIDO2 key or smartcard) by hand',
    options: {
      kind: { type: 'string', required: true, value: 'fido2|smartcard', help: 'what the authenticator is' },
      label: { type: 'string', required: true, value: 'TEXT', help: 'label written on the key or card' },
      serial: { type: 'string', value: 'TEXT', help: 'serial number, if known' },
      place: { type: 'string', value: 'NAME', help: 'storage place it is kept in' },
      account: { type: 'string', value: 'UPN', help: 'emergency account it is bound to' },
    },
    load: inventory('keyAdd'),
  },
  { path: ['key', 'list'], readonly: true, summary: 'List authenticators with their state and place', options: {}, load: inventory('keyList') },
  {
    path: ['custodian', 'add'],
    summary: 'Add a custodian (a named person)',
    options: { name: { type: 'string', required: true, value: 'NAME', help: 'the custodian\'s full name' } },
    load: inventory('custodianAdd'),
  },
  { path: ['custodian', 'list'], readonly: true, summary: 'List custodians', options: {}, load: inventory('custodianList') },
  {
    path: ['seal', 'add'],
    summary: 'Register a tamper-evident seal bag by its serial',
    options: { serial: { type: 'string', required: true, value: 'SERIAL', help: 'serial printed on the bag' } },
    load: inventory('sealAdd'),
  },
  { path: ['seal', 'list'], readonly: true, summary: 'List registered seals', options: {}, load: inventory('sealList') },
  // fido
  {
    path: ['key', 'enroll'],
    summary: "Enrol a FIDO2 key: create Keyward's own credential on it and record it",
    options: {
      label: { type: 'string', required: true, value: 'TEXT', help: 'label written on the key' },
      account: { type: 'string', value: 'UPN', help: 'emergency account the key belongs to' },
      place: { type: 'string', value: 'NAME', help: 'storage place it is kept in' },
      serial: { type: 'string', value: 'TEXT', help: 'serial number printed on the key' },
      simulated: { type: 'boolean', help: 'enrol a software key kept in the drill store (for drills, never for real accounts)' },
      approver: { type: 'string', multiple: true, value: 'NAME', help: "a custodian who accepts a key whose attestation does not chain to its vendor's root (give two)" },
    },
    load: fido('keyEnroll'),
  },
  {
    path: ['check'],
    summary: 'Presence check: prove each enrolled key and card is here, is the same, and was not used',
    options: {
      key: { type: 'string', value: 'ID|LABEL', help: 'check one key or card only' },
      wait: { type: 'string', value: 'SECONDS', help: 'how long to wait for each card to be inserted (default: look once)' },
      simulated: { type: 'boolean', help: 'check the drill keys and cards instead of real ones' },
    },
    load: fido('check'),
  },
  // cards
  {
    path: ['card', 'readers'],
    summary: 'List smartcard readers, whether a card is in each, and which card it is',
    options: { simulated: { type: 'boolean', help: 'list the drill readers instead of real ones' } },
    load: cards('cardReaders'),
  },
  {
    path: ['card', 'enroll'],
    summary: "Enrol a PIV smartcard: read its identity and certificates and bind it to an emergency account",
    options: {
      label: { type: 'string', required: true, value: 'TEXT', help: 'label written on the card' },
      account: { type: 'string', value: 'UPN', help: 'emergency account the card belongs to' },
      place: { type: 'string', value: 'NAME', help: 'storage place it is kept in' },
      reader: { type: 'string', value: 'NAME', help: 'the reader holding the card, when more than one holds one' },
      simulated: { type: 'boolean', help: 'enrol a software card kept in the drill store (for drills, never for real accounts)' },
    },
    load: cards('cardEnroll'),
  },
  // custody
  {
    path: ['custodian', 'found'],
    summary: 'The first two custodians found the circle of trust together, each with their own FIDO2 key',
    options: {
      first: { type: 'string', required: true, value: 'NAME', help: 'the first custodian' },
      second: { type: 'string', required: true, value: 'NAME', help: 'the second custodian' },
      simulated: drillKeys,
    },
    load: custody('custodianFound'),
  },
  {
    path: ['custodian', 'enroll'],
    summary: 'A new custodian registers their own FIDO2 key, approved by two custodians touching theirs',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: "the new custodian's full name" },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'an existing custodian who approves (give two)' },
      simulated: drillKeys,
    },
    load: custody('custodianEnroll'),
  },
  {
    path: ['custodian', 'deactivate'],
    summary: 'Deactivate a custodian (staff change), approved by two other custodians: they can no longer approve',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: "the custodian's full name" },
      reason: { type: 'string', value: 'TEXT', help: 'why' },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'another custodian who approves (give two)' },
      simulated: drillKeys,
    },
    load: custody('custodianDeactivate'),
  },
  {
    path: ['custodian', 'replace-key'],
    summary: "Replace a custodian's lost or broken key with a new one of theirs, approved by two other custodians",
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: "the custodian's full name" },
      reason: { type: 'string', required: true, value: 'TEXT', help: 'why (lost, broken)' },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'another custodian who approves (give two)' },
      simulated: drillKeys,
    },
    load: custody('custodianReplaceKey'),
  },
  {
    path: ['key', 'bind'],
    summary: 'Bind a key or smartcard to an emergency account, approved by two custodians touching their keys',
    options: {
      item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' },
      account: { type: 'string', required: true, value: 'UPN', help: 'the emergency account it opens' },
      reason: { type: 'string', value: 'TEXT', help: 'why (a change ticket, say)' },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'a custodian who approves (give two)' },
      simulated: drillKeys,
    },
    load: custody('keyBind'),
  },
  {
    path: ['key', 'unbind'],
    summary: 'Unbind a key or smartcard from its account, approved by two custodians',
    options: {
      item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' },
      reason: { type: 'string', required: true, value: 'TEXT', help: 'why' },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'a custodian who approves (give two)' },
      simulated: drillKeys,
    },
    load: custody('keyUnbind'),
  },
  {
    path: ['key', 'retire'],
    summary: 'Retire a key or smartcard from service, approved by two custodians',
    options: {
      item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' },
      reason: { type: 'string', required: true, value: 'TEXT', help: 'why (replaced, lost, expired)' },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'a custodian who approves (give two)' },
      simulated: drillKeys,
    },
    load: custody('keyRetire'),
  },
  {
    path: ['seal', 'apply'],
    summary: 'Record the seal an item in the safe is stored under (when none is recorded yet)',
    options: { item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' }, serial: { type: 'string', required: true, value: 'SERIAL', help: 'the registered, unused seal' } },
    load: custody('sealApply'),
  },
  {
    path: ['checkout'],
    summary: 'Check an item out of the safe: custodian and witness approve with their own keys',
    options: {
      item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' },
      custodian: { type: 'string', required: true, value: 'NAME', help: 'who takes it' },
      witness: { type: 'string', value: 'NAME', help: 'a second custodian (required unless --without-witness)' },
      reason: { type: 'string', required: true, value: 'REASON', help: 'drill, emergency, maintenance or audit' },
      ticket: { type: 'string', value: 'REF', help: 'ticket or change reference' },
      'expected-return': { type: 'string', required: true, value: 'WHEN', help: 'date-time with zone (2026-11-26T17:00+01:00) or hours (8h)' },
      'broken-seal': { type: 'string', required: true, value: 'SERIAL', help: 'serial of the seal broken to open the bag' },
      'seal-intact': { type: 'boolean', help: 'the seal was intact before it was broken' },
      'seal-tampered': { type: 'boolean', help: 'the seal was already damaged or tampered with' },
      'without-witness': { type: 'boolean', help: 'a real emergency with one custodian; stays flagged until countersigned' },
      'seal-mismatch': { type: 'boolean', help: 'the item was found under another seal than the one recorded: check it out anyway, as a critical finding' },
      simulated: drillKeys,
    },
    load: custody('checkout'),
  },
  {
    path: ['return'],
    summary: 'Return an item: presence-checked, new seal recorded, custodian and witness approve',
    options: {
      item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' },
      custodian: { type: 'string', required: true, value: 'NAME', help: 'who returns it' },
      witness: { type: 'string', required: true, value: 'NAME', help: 'a second custodian' },
      'new-seal': { type: 'string', required: true, value: 'SERIAL', help: 'serial of the new seal on the bag' },
      simulated: drillKeys,
    },
    load: custody('return'),
  },
  {
    path: ['countersign'],
    summary: 'Countersign an emergency checkout that went without a witness',
    options: { item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the item' }, custodian: { type: 'string', required: true, value: 'NAME', help: 'the second custodian' }, simulated: drillKeys },
    load: custody('countersign'),
  },
  {
    path: ['custody', 'list'], readonly: true,
    summary: 'Checkouts: all, open, or overdue',
    options: { open: { type: 'boolean', help: 'only items that are out' }, overdue: { type: 'boolean', help: 'only items past their expected return' } },
    load: custody('custodyList'),
  },
  // netpath
  { path: ['netpath', 'interfaces'], readonly: true, summary: 'List network interfaces with their class (wired, wifi, cellular, virtual, loopback)', options: {}, load: netpath('netpathInterfaces') },
  {
    path: ['netpath', 'classify'],
    summary: "Override an interface's class (e.g. a USB modem that looks like Ethernet); recorded in the ledger",
    options: {
      interface: { type: 'string', required: true, value: 'NAME', help: 'interface name, e.g. enx0c5b8f279a64' },
      as: { type: 'string', required: true, value: 'CLASS', help: 'wired, wifi, cellular, virtual or loopback' },
      note: { type: 'string', value: 'TEXT', help: 'why' },
    },
    load: netpath('netpathClassify'),
  },
  {
    path: ['netpath', 'probe'],
    summary: 'Prove the room reaches Entra ID over two independent paths (TLS through each interface)',
    options: {
      target: { type: 'string', multiple: true, value: 'HOST:PORT', help: "what to reach (default: Entra ID's sign-in endpoints, login.microsoftonline.com:443 and the hosts a sign-in needs); replaces the default" },
      ca: { type: 'string', value: 'FILE', help: 'PEM bundle of roots trusted besides the system CA store' },
      timeout: { type: 'string', value: 'SECONDS', help: 'time limit per path (default 10)' },
      dns: { type: 'string', multiple: true, value: 'IFACE=ADDR', help: "resolver (IPv4 or IPv6) to use through an interface, instead of the system's for that link and the path's gateway" },
      site: { type: 'string', value: 'SITE', help: 'the site (of a storage place) this proof is for; needed when the places name more than one' },
    },
    load: netpath('netpathProbe'),
  },
  { path: ['netpath', 'proofs'], readonly: true, summary: 'The last recorded network-path proof of each site', options: {}, load: netpath('netpathProofs') },
  // posture
  {
    path: ['account', 'facts'],
    summary: 'Record what is known about an emergency account (only the facts given change)',
    options: {
      upn: { type: 'string', required: true, value: 'UPN', help: 'the account' },
      'cloud-only': yn('cloud-only, not synchronised or federated'),
      'global-admin': { type: 'string', value: 'permanent|eligible|none|unknown', help: 'Global Administrator assignment' },
      'ca-excluded': yn('excluded from every Conditional Access policy'),
      'phone-mfa': yn('phone-based MFA registered'),
      'per-user-mfa': yn('per-user MFA enabled'),
      'personal-methods': yn("a personal phone or key registered to the account"),
      mechanism: { type: 'string', value: 'TEXT', help: 'how the account authenticates, e.g. "FIDO2 key"' },
    },
    load: posture('accountFacts'),
  },
  {
    path: ['org', 'facts'],
    summary: "Record the organisation's facts: normal admins' mechanism, sign-in monitoring, Conditional Access stance, certificate expiry window",
    options: {
      'admin-mechanism': { type: 'string', value: 'TEXT', help: "the mechanism normal administrators use" },
      monitoring: yn('sign-in monitoring of the emergency accounts is configured'),
      'ca-stance': { type: 'string', value: 'exclude|phishing-resistant', help: 'exclude emergency accounts from CA, or protect them with phishing-resistant CA' },
      'expiry-window': { type: 'string', value: 'DAYS', help: 'certificates expiring within this many days are a finding (default 90)' },
      'check-interval': { type: 'string', value: 'DAYS', help: 'days between presence checks of an item and between network proofs (default 90)' },
      'evidence-interval': { type: 'string', value: 'DAYS', help: 'facts and Entra imports older than this leave their rule stale (default 90)' },
    },
    load: posture('orgFacts'),
  },
  { path: ['posture'], readonly: true, summary: 'Judge the accounts against the guidance; exit 2 if any rule fails', options: {}, load: posture('posture') },
  {
    path: ['import', 'entra'],
    summary: 'Import a Graph export as posture evidence: users, authentication methods, the methods policy, per-user MFA, active and eligible role assignments, Conditional Access policies, group members',
    options: {},
    positional: { name: 'file', help: 'the exported JSON' },
    load: posture('importEntra'),
  },
  {
    path: ['kql'], readonly: true,
    summary: 'Print the Log Analytics alert queries for the emergency accounts (sign-ins, non-interactive sign-ins, audit activity by and to them, exclusion groups, Conditional Access); --arm writes them as Azure Monitor alert rules',
    options: {
      arm: { type: 'string', value: 'FILE', help: 'write an ARM template: one scheduled query rule per query (every 5 minutes, severity 0) and an action group' },
      email: { type: 'string', multiple: true, value: 'ADDRESS', help: 'an email receiver of the action group (with --arm)' },
      sms: { type: 'string', multiple: true, value: '+CC NUMBER', help: 'an SMS receiver, e.g. "+1 4255550100" (with --arm)' },
    },
    load: posture('kql'),
  },
  // signins
  {
    path: ['signins', 'import'],
    summary: "Import an Entra sign-in export (Graph JSON, JSON Lines or the portal's CSV), streamed, all or nothing",
    options: {},
    positional: { name: 'file', help: 'the exported sign-in log' },
    load: signins('signinsImport'),
  },
  {
    path: ['metadata', 'import'],
    summary: 'Import a FIDO Metadata Service (MDS3) BLOB brought from another machine: verified offline against the pinned FIDO Alliance root; a rollback is refused',
    options: { crl: { type: 'string', multiple: true, value: 'FILE', help: 'a CRL of the BLOB\'s certificate chain, downloaded with it (give each)' } },
    positional: { name: 'file', help: 'the BLOB (blob.jwt from mds3.fidoalliance.org)' },
    load: metadata('metadataImport'),
  },
  { path: ['signins', 'reconcile'], summary: 'Match every emergency-account sign-in to a logged checkout; exit 2 on any incident', options: {}, load: signins('signinsReconcile') },
  // the directory audit log
  {
    path: ['auditlog', 'import'],
    summary: 'Import an Entra directory audit export (Graph auditLogs/directoryAudits JSON), streamed, all or nothing',
    options: {},
    positional: { name: 'file', help: 'the exported audit log' },
    load: auditlog('auditlogImport'),
  },
  { path: ['auditlog', 'reconcile'], summary: 'Match every change to an emergency account, its exclusion groups or the policies that name them to a checkout or a validation; exit 2 on any incident', options: {}, load: auditlog('auditlogReconcile') },
  // validation
  { path: ['validation', 'status'], readonly: true, summary: 'Whether a validation is due, and the checklist of one under way; exit 2 while one is due', options: {}, load: validation('validationStatus') },
  { path: ['validation', 'start'], summary: 'Start a validation (the guidance\'s checklist)', options: {}, load: validation('validationStart') },
  {
    path: ['validation', 'attest'],
    summary: 'Attest one step of the validation with a key touch',
    options: {
      ...stepOptions,
      note: { type: 'string', value: 'TEXT', help: 'what was done' },
      account: { type: 'string', value: 'UPN', help: 'cleanup-excluded: the account attested (the step is done once every account is)' },
      policy: { type: 'string', multiple: true, value: 'NAME', help: 'cleanup-excluded: an automated cleanup the account is excluded from (an access review, a lifecycle workflow, an inactive-account cleanup); give each' },
      'no-cleanup-in-tenant': { type: 'boolean', help: 'cleanup-excluded: the tenant runs no automated cleanup for lack of use at all' },
    },
    load: validation('validationAttest'),
  },
  {
    path: ['validation', 'waive'],
    summary: 'Waive one step, with a reason, attested with a key touch',
    options: { ...stepOptions, reason: { type: 'string', required: true, value: 'TEXT', help: 'why the step is waived' } },
    load: validation('validationWaive'),
  },
  { path: ['validation', 'complete'], summary: 'Complete the validation once every step is attested or waived', options: {}, load: validation('validationComplete') },
  {
    path: ['validation', 'subscription-change'],
    summary: 'Record a change of the Entra subscriptions (a validation falls due at once)',
    options: { note: { type: 'string', required: true, value: 'TEXT', help: 'what changed' } },
    load: validation('validationSubscriptionChange'),
  },
  // findings
  {
    path: ['findings', 'list'], readonly: true,
    summary: 'The open findings, most severe first (--all: resolved ones too); exit 2 while a critical one is open',
    options: { all: { type: 'boolean', help: 'include resolved findings, with who resolved them' } },
    load: findings('findingsList'),
  },
  {
    path: ['findings', 'resolve'],
    summary: 'Two custodians resolve a finding with a reason, each touching their own key',
    options: {
      id: { type: 'string', required: true, value: 'ID', help: 'the finding (keyward findings list shows ids)' },
      custodian: { type: 'string', required: true, value: 'NAME', help: 'the first custodian' },
      witness: { type: 'string', required: true, value: 'NAME', help: 'a second, different custodian' },
      reason: { type: 'string', required: true, value: 'TEXT', help: 'what was found and done (an incident ticket, say)' },
      'accept-new-state': { type: 'boolean', help: "a presence anomaly: the key's new state becomes the baseline" },
      retire: { type: 'boolean', help: 'a presence anomaly or missing item: retire it' },
      simulated: { type: 'boolean', help: "custodians' drill keys from the drill store" },
    },
    load: findings('findingsResolve'),
  },
  // report
  {
    path: ['report'], readonly: true,
    summary: 'Write the custody report for a period as a PDF an auditor can check against the ledger',
    options: {
      from: { type: 'string', required: true, value: 'DATE', help: 'first day of the period (2026-10-01)' },
      to: { type: 'string', required: true, value: 'DATE', help: 'last day of the period (2026-12-31)' },
      out: { type: 'string', required: true, value: 'FILE.pdf', help: 'where to write the PDF' },
      organisation: { type: 'string', value: 'NAME', help: 'organisation named on the report' },
      site: { type: 'string', value: 'NAME', help: 'site of the key room' },
      signatory: { type: 'string', multiple: true, value: '"NAME|ROLE"', help: 'a person who signs the report' },
      paper: { type: 'string', value: 'a4|letter', help: 'paper size (default a4)' },
      'despite-failed-verification': { type: 'boolean', help: 'make the report although the ledger does not verify (a red banner on every page says so)' },
    },
    load: report('report'),
  },
];
