import { importMetadata } from '../../app/metadata/metadata-import';
import type { CommandModule } from '../command';

export const runs = {
  metadataImport: async ({ options, session }) => {
    const crls = Array.isArray(options.crl) ? options.crl : options.crl === undefined ? [] : [options.crl];
    const r = await importMetadata(session(), { file: options.file, crls });
    if (r.alreadyImported) return { value: r, human: `${r.file} (BLOB number ${r.no}) was imported before (SHA-256 ${r.sha256}); nothing added` };
    const human = [
      `imported FIDO metadata BLOB number ${r.no} from ${r.file}: ${r.entries} FIDO2 model(s), signed by ${r.signer}`,
      `next update ${r.nextUpdate}${r.stale ? ' — already past: import a newer BLOB when you can' : ''}`,
      `SHA-256 ${r.sha256}`,
      ...r.crls.map((c) => `CRL ${c.file} (${c.issuer}, ${c.thisUpdate.slice(0, 10)}): ${c.certificates.length ? `${c.certificates.join(', ')} not revoked` : 'covers no certificate of the chain'}`),
      r.notCheckedAgainstACrl.length ? `not checked against a CRL (bring the CRLs with --crl): ${r.notCheckedAgainstACrl.join('; ')}` : '',
    ].filter(Boolean);
    return { value: r, human: human.join('\n') };
  },
} satisfies CommandModule['runs'];
