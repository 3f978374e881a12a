/**
 * Model names by AAGUID, for keys whose attestation names their model. Shipped with the app and
 * read offline; an imported FIDO Metadata Service blob can extend it. Unknown AAGUIDs are shown
 * as such, never guessed.
 */
export const AAGUID_MODELS: Readonly<Record<string, string>> = {
  'cb69481e-8ff7-4039-93ec-0a2729a154a8': 'YubiKey 5 Series',
  'ee882879-721c-4913-9775-3dfcce97072a': 'YubiKey 5 Series',
  'fa2b99dc-9e39-4257-8f92-4a30d23c4118': 'YubiKey 5 Series with NFC',
  '2fc0579f-8113-47ea-b116-bb5a8db9202a': 'YubiKey 5 Series with NFC',
  'c5ef55ff-ad9a-4b9f-b580-adebafe026d0': 'YubiKey 5Ci',
  '73bb0cd4-e502-49b8-9c6f-b59445bf720b': 'YubiKey 5 FIPS Series',
  'd8522d9f-575b-4866-88a9-ba99fa02f35b': 'YubiKey Bio Series',
  'f8a011f3-8c0a-4d15-8006-17111f9edc7d': 'Security Key by Yubico',
  'b92c3f9a-c014-4056-887f-140a2501163b': 'Security Key by Yubico',
  '149a2021-8ef6-4133-96b8-81f8d5b7f1f5': 'Security Key by Yubico with NFC',
  '6d44ba9b-f6ec-2e49-b930-0c8fe920cb73': 'Security Key by Yubico with NFC',
  '42b4fb4a-2866-43b2-9bf7-6c6669c2e5d3': 'Google Titan Security Key v2',
  '4b657977-6172-6420-6472-696c6c6b6579': 'Keyward drill key (software)',
};

/** The AAGUID every Keyward drill key carries: "Keyward drillkey" in ASCII. */
export const DRILL_KEY_AAGUID = '4b657977-6172-6420-6472-696c6c6b6579';

/** 16 bytes as hex → the usual 8-4-4-4-12 form. */
export function formatAaguid(hex: string): string {
  const h = hex.toLowerCase().replace(/-/g, '');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function modelName(aaguid: string): string {
  const id = formatAaguid(aaguid);
  if (/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(id)) return 'Unknown model (the key does not disclose its AAGUID)';
  return AAGUID_MODELS[id] ?? `Unknown model (AAGUID ${id})`;
}
