import { enrolKey } from '../../app/presence/enrolment';
import { addAccount, addAuthenticator, addCustodian, addPlace, listInventory, registerSeal } from '../../app/inventory/inventory';
import { authenticatorPage, inventoryOverview, itemChoices } from '../../app/inventory/authenticator-page';
import type { KeySource } from '../../app/presence/key-sources';
import type { CardSource } from '../../app/cards/card-sources';
import { recentEntries } from '../../app/ledger/ledger';
import { verifyStoredLedgerOnThread } from '../../app/ledger/verify-on-thread';
import { verifyForStatus } from '../../app/ledger/verified-head';
import { searchLedger } from '../../app/ledger/ledger-search';
import { checkpointDue, listCheckpoints, recordCheckpoint } from '../../app/ledger/checkpoints';
import type { Session } from '../../app/ports';
import { findingTexts, runFullCheck } from '../../app/presence/full-check';
import { presenceSchedule } from '../../app/presence/presence-schedule';
import { enrolCard } from '../../app/cards/card-enrolment';
import { listCardReaders } from '../../app/cards/card-readers';
import { readStatus } from '../../app/inventory/status';
import { gatherCustodyReport } from '../../app/reports/report';
import { assessPosture, recordAccountFacts, recordOrganisationFacts } from '../../app/guidance/posture';
import { readFacts } from '../../app/guidance/facts';
import { readPlaceAccess, recordPlaceAccess } from '../../app/guidance/place-access';
import { importEntraExport } from '../../app/guidance/entra-import';
import { currentAlertQueries } from '../../app/guidance/alert-rules';
import { attestStep, completeValidation, readValidation, recordSubscriptionChange, startValidation } from '../../app/guidance/validation';
import { importSignIns, reconcileSignIns } from '../../app/guidance/signins';
import { importMetadata, importedMetadata } from '../../app/metadata/metadata-import';
import { metadataOfCheckedKeys } from '../../app/metadata/metadata-findings';
import { readSignInState } from '../../app/guidance/signins-state';
import { writeReportPdf } from '../../app/reports/report-pdf';
import { previewCustodyReport } from '../../app/reports/report-preview';
import { deactivateCustodian, enrolCustodianKey, foundCircle } from '../../app/custody/circle';
import { checkOut, countersign, listCustody, returnItem, type CustodySources } from '../../app/custody/custody';
import { lastProofPerSite, listNetworkInterfaces, overrideClassification, proveNetworkPaths } from '../../app/netpath/netpath';
import type { DiscoveredInterface } from '../../app/netpath/netpath';
import type { KeywardEvents } from '../common/bridge';
import type { DrillTouchPad } from '../../app/presence/drill-touch';
import { KeywardError } from '../../core/errors';
import { listFindings } from '../../app/findings/findings';
import { resolveFinding } from '../../app/findings/resolve';
import type { Channel, ChannelArgs, ChannelResults } from '../common/channels';

/** What a handler may use besides its arguments. */
export interface HandlerContext {
  readonly session: Session;
  /** Real keys over USB, or the drill store's software keys. */
  readonly keySources: { readonly real: () => KeySource; readonly drill: () => KeySource; readonly drillCustodians: () => KeySource };
  /** Smartcards through the system's PC/SC readers, or the drill store's software cards. */
  readonly cardSources: { readonly real: () => CardSource; readonly drill: () => CardSource };
  readonly emit: <E extends keyof KeywardEvents>(event: E, payload: KeywardEvents[E]) => void;
  /** Where drill keys wait for the person's touch. */
  readonly drillTouch?: DrillTouchPad;
  /** Where interfaces come from, and the CA bundle a private deployment trusts for the probe. */
  /** The desktop's part in reports: where to save, and the system print dialog. */
  /** The desktop's file picker, for imports. */
  readonly files: { readonly chooseOpenPath?: (title: string) => Promise<string | undefined> };
  readonly reports: { readonly chooseSavePath?: (suggestedName: string) => Promise<string | undefined>; readonly print?: () => Promise<boolean> };
  readonly network: { readonly discover?: () => Promise<DiscoveredInterface[]>; readonly caFile?: string; readonly targets?: readonly string[] };
}

type Handlers = { [C in Channel]: (context: HandlerContext, args: ChannelArgs<C>) => ChannelResults[C] | Promise<ChannelResults[C]> };

const sourceFor = (context: HandlerContext, simulated: boolean) => (simulated ? context.keySources.drill() : context.keySources.real());
const cardSourceFor = (context: HandlerContext, simulated: boolean) => (simulated ? context.cardSources.drill() : context.cardSources.real());
/** A key source opened only when a key is asked for: bad input is refused before any key is needed. */
const deferred = (simulated: boolean, source: () => KeySource): KeySource => ({ simulated, open: (target) => source().open(target) });
const CARD_STEPS = { looking: 'connecting', reading: 'reading', proving: 'verifying', saved: 'saved' } as const;
const custodySources = (context: HandlerContext, simulated: boolean): CustodySources =>
  simulated
    ? { custodianKeys: context.keySources.drillCustodians(), emergencyKeys: context.keySources.drill(), emergencyCards: context.cardSources.drill() }
    : { custodianKeys: context.keySources.real(), emergencyKeys: context.keySources.real(), emergencyCards: context.cardSources.real() };

function notAnAuditorWindow(): never {
  throw new KeywardError('not_found', "this window holds a site's database; an auditor database opens with --auditor FILE");
}

/** Each channel's use case. Arguments arrive already shape-checked by the router. */
export const HANDLERS: Handlers = {
  'status:get': ({ session }) => {
    const now = session.clock.now();
    // Called each time the ledger grows: only the entries since the last status are verified, unless another process wrote to the file.
    return readStatus(session.db, now, verifyForStatus(session.db, now).verification);
  },
  'presence:schedule': ({ session }) => presenceSchedule(session),
  'inventory:list': ({ session }) => listInventory(session),
  'inventory:authenticators': ({ session }, args) => authenticatorPage(session, args),
  'inventory:overview': ({ session }) => inventoryOverview(session),
  'inventory:items': ({ session }) => itemChoices(session),
  'account:add': ({ session }, args) => addAccount(session, args),
  'place:add': ({ session }, args) => addPlace(session, args),
  'authenticator:add': ({ session }, args) => addAuthenticator(session, args),
  'custodian:add': ({ session }, args) => addCustodian(session, args),
  'seal:register': ({ session }, args) => registerSeal(session, args),
  'ledger:list': ({ session }, args) => recentEntries(session.db, args),
  // On a thread of its own: main goes on answering the screens, and the progress is drawn.
  'ledger:verify': ({ session, emit }, args) => verifyStoredLedgerOnThread(session.db, args, (done, of) => emit('ledger:progress', { done, of })),
  'ledger:search': ({ session }, args) => searchLedger(session.db, args),
  'ledger:checkpoints': ({ session }) => ({ due: checkpointDue(session.db), checkpoints: listCheckpoints(session.db) }),
  'ledger:checkpoint': (context, args) =>
    recordCheckpoint(context.session, deferred(args.simulated, args.simulated ? context.keySources.drillCustodians : context.keySources.real), args, (step) => context.emit('custody:approval', step)),
  'key:enroll': (context, args) =>
    enrolKey(context.session, sourceFor(context, args.simulated), args, (step) => context.emit('key:progress', { job: 'enrol', index: 1, total: 1, label: args.label, step })),
  'custody:list': ({ session }, args) => listCustody(session, args),
  'custodian:found': (context, args) => foundCircle(context.session, args.simulated ? context.keySources.drillCustodians() : context.keySources.real(), args),
  'custodian:enroll': (context, args) =>
    enrolCustodianKey(context.session, args.simulated ? context.keySources.drillCustodians() : context.keySources.real(), args, undefined, (step) => context.emit('custody:approval', step)),
  'custodian:deactivate': (context, args) =>
    deactivateCustodian(context.session, args.simulated ? context.keySources.drillCustodians() : context.keySources.real(), args, (step) => context.emit('custody:approval', step)),
  'custody:checkout': async (context, args) => {
    const { entry, checkout } = await checkOut(context.session, custodySources(context, args.simulated), args, (step) => context.emit('custody:approval', step));
    return { ledgerSeq: entry.seq, hash: entry.hash, expectedReturnAt: checkout.expectedReturnAt };
  },
  'custody:return': async (context, args) => {
    const { entry, presence } = await returnItem(context.session, custodySources(context, args.simulated), args, (step) => context.emit('custody:approval', step));
    return { ledgerSeq: entry.seq, hash: entry.hash, presence: presence?.result ?? null };
  },
  'custody:countersign': async (context, args) => {
    const { entry } = await countersign(context.session, custodySources(context, args.simulated), args, (step) => context.emit('custody:approval', step));
    return { ledgerSeq: entry.seq };
  },
  'posture:get': ({ session }) => assessPosture(session),
  'validation:get': ({ session }) => readValidation(session),
  'validation:start': ({ session }) => startValidation(session),
  'validation:attest': (context, args) => attestStep(context.session, args.simulated ? context.keySources.drillCustodians() : context.keySources.real(), args),
  'validation:waive': (context, args) => attestStep(context.session, args.simulated ? context.keySources.drillCustodians() : context.keySources.real(), args, true),
  'validation:complete': ({ session }) => completeValidation(session),
  'signins:import': async ({ session, files }) => {
    const path = await files.chooseOpenPath?.('Import an Entra sign-in export');
    if (!path) return { imported: false };
    const result = importSignIns(session, path);
    return { imported: true, file: result.file, records: result.records, added: result.added, alreadyImported: result.alreadyImported };
  },
  'signins:reconcile': ({ session }) => reconcileSignIns(session),
  'metadata:import': async ({ session, files }, args) => {
    const path = args.path?.trim() || (await files.chooseOpenPath?.('Import a FIDO metadata BLOB'));
    if (!path) return { imported: false };
    const result = await importMetadata(session, { file: path, crls: (args.crls ?? []).map((c) => c.trim()).filter(Boolean) });
    return { imported: true, file: result.file, alreadyImported: result.alreadyImported, metadata: importedMetadata(session) ?? undefined, notCheckedAgainstACrl: result.notCheckedAgainstACrl };
  },
  'metadata:state': ({ session }) => importedMetadata(session),
  'facts:get': ({ session }) => readFacts(session),
  'facts:account': ({ session }, args) => {
    recordAccountFacts(session, args);
    return { upn: args.upn };
  },
  'facts:organisation': ({ session }, args) => ({ evidenceIntervalDays: recordOrganisationFacts(session, args).evidenceIntervalDays }),
  'facts:import-entra': async ({ session, files }, args) => {
    const path = args.path?.trim() || (await files.chooseOpenPath?.('Import an Entra export'));
    if (!path) return { imported: false };
    const result = importEntraExport(session, path);
    return { imported: true, file: result.file, kind: result.kind, summary: result.summary, alreadyImported: result.alreadyImported };
  },
  'facts:kql': ({ session }) => currentAlertQueries(session),
  'validation:subscription-change': ({ session }, args) => recordSubscriptionChange(session, args),
  'place:access': ({ session }, args) => recordPlaceAccess(session, args),
  'place:access-lists': ({ session }) => readPlaceAccess(session),
  'signins:state': ({ session }) => readSignInState(session),
  // The ledger is verified on a thread of its own first: main goes on answering meanwhile.
  'report:preview': async ({ session, emit }, args) => {
    const progress = (done: number, of: number) => emit('report:progress', { step: 'verifying', done, of });
    return previewCustodyReport(session, args, progress, await verifyStoredLedgerOnThread(session.db, {}, progress));
  },
  'report:save': async ({ session, reports, emit }, args) => {
    const progress = (done: number, of: number) => emit('report:progress', { step: 'verifying', done, of });
    const report = gatherCustodyReport(session, args, progress, await verifyStoredLedgerOnThread(session.db, {}, progress));
    const path = await reports.chooseSavePath?.(`${report.id}.pdf`);
    if (!path) return { saved: false };
    const { pages } = await writeReportPdf(report, path, args.paper === 'letter' ? 'LETTER' : 'A4', (step, done, of) => emit('report:progress', { step, done, of }));
    return { saved: true, path, pages, id: report.id };
  },
  'report:print': async ({ reports }) => ({ printed: (await reports.print?.()) ?? false }),
  'netpath:interfaces': ({ session, network }) => listNetworkInterfaces(session, network.discover),
  'netpath:classify': ({ session }, args) => overrideClassification(session, args),
  'netpath:probe': ({ session, network, emit }, args) =>
    proveNetworkPaths(session, { targets: args.targets ?? network.targets, timeoutSeconds: args.timeoutSeconds, caFile: network.caFile, dns: args.dns, site: args.site }, network.discover, (p) => emit('netpath:progress', p)),
  'netpath:proofs': ({ session }) => lastProofPerSite(session),
  'presence:check': async (context, args) => {
    const results = await runFullCheck(context.session, { keys: sourceFor(context, args.simulated), cards: cardSourceFor(context, args.simulated) }, { item: args.key }, (p) =>
      context.emit('key:progress', { job: 'check', ...p }),
    );
    const { flags: metadata, critical } = metadataOfCheckedKeys(context.session, results);
    return {
      ok: results.every((r) => r.result === 'ok') && !critical,
      metadata,
      results: results.map((r) => {
        const texts = findingTexts(r);
        return { authenticatorId: r.authenticatorId, label: r.label, kind: r.kind, result: r.result, drill: r.drill, ledgerSeq: r.ledgerSeq, findings: r.findings.map((f, i) => ({ ...f, text: texts[i]! })) };
      }),
    };
  },
  'drill:touch': ({ drillTouch }, args) => {
    if (!drillTouch) throw new KeywardError('not_found', 'no drill key is waiting for a touch', 'answer');
    return drillTouch.answer(args.answer);
  },
  // The Attention screen is judged on the same verification as the header: only new entries after the first (verified-head.ts).
  'findings:list': ({ session }, args) => listFindings(session, args, verifyForStatus(session.db, session.clock.now()).verification),
  'findings:resolve': async (context, args) => {
    // The finding, not the window, says whether drill or real custodian keys approve it.
    const drill = listFindings(context.session, { all: true }).find((f) => f.id === args.id)?.drill ?? false;
    const keys = deferred(drill, drill ? context.keySources.drillCustodians : context.keySources.real);
    const { entry } = await resolveFinding(context.session, keys, args, (step) => context.emit('custody:approval', step));
    return { ledgerSeq: entry.seq };
  },
  // A site's window has no auditor database: those channels are served by the auditor window's router (auditor-router.ts).
  'auditor:sites': notAnAuditorWindow,
  'auditor:site': notAnAuditorWindow,
  'auditor:ledger': notAnAuditorWindow,
  'card:readers': (context, args) => listCardReaders(context.session, cardSourceFor(context, args.simulated)),
  'card:enroll': (context, args) =>
    enrolCard(context.session, cardSourceFor(context, args.simulated), args, (step) =>
      context.emit('key:progress', { job: 'enrol', kind: 'smartcard', index: 1, total: 1, label: args.label, step: CARD_STEPS[step] }),
    ),
};
