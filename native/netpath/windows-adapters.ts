import type { PathClass } from '../../core/netpath/netpath';

/**
 * The fields Keyward asks PowerShell for:
 * Get-NetAdapter -IncludeHidden | Select-Object Name,InterfaceDescription,MediaType,PhysicalMediaType,Virtual,Status | ConvertTo-Json
 */
export interface WindowsAdapter {
  readonly Name: string;
  readonly InterfaceDescription: string;
  readonly MediaType: string | null;
  readonly PhysicalMediaType: string | null;
  readonly Virtual: boolean | null;
  readonly Status: string | null;
}

export const GET_NETADAPTER_COMMAND =
  'Get-NetAdapter -IncludeHidden | Select-Object Name,InterfaceDescription,MediaType,PhysicalMediaType,Virtual,Status | ConvertTo-Json -Depth 2';

export function parseGetNetAdapter(json: string): WindowsAdapter[] {
  let value: unknown;
  try {
    value = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`Get-NetAdapter output is not JSON: ${(error as Error).message}`);
  }
  // ConvertTo-Json writes a single adapter as an object, several as an array.
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    if (!item || typeof item !== 'object' || typeof (item as WindowsAdapter).Name !== 'string') throw new Error(`Get-NetAdapter entry ${i} has no Name`);
    const a = item as Partial<WindowsAdapter>;
    return {
      Name: a.Name!,
      InterfaceDescription: String(a.InterfaceDescription ?? ''),
      MediaType: a.MediaType ?? null,
      PhysicalMediaType: a.PhysicalMediaType ?? null,
      Virtual: a.Virtual ?? null,
      Status: a.Status ?? null,
    };
  });
}

const VIRTUAL_WORDS = /hyper-v|virtual|vpn|tap-windows|wireguard|wintun|anyconnect|fortinet|tunnel|loopback|vethernet|npcap/i;

export function classifyWindows(a: WindowsAdapter): { class: PathClass; reason: string } {
  const media = `${a.PhysicalMediaType ?? ''} ${a.MediaType ?? ''}`;
  if (/loopback/i.test(a.InterfaceDescription)) return { class: 'loopback', reason: a.InterfaceDescription };
  if (/wireless wan|mobile broadband/i.test(media) || /mobile broadband|wwan|lte|5g modem/i.test(a.InterfaceDescription)) return { class: 'cellular', reason: `${a.PhysicalMediaType ?? a.MediaType}: ${a.InterfaceDescription}` };
  if (a.Virtual === true || VIRTUAL_WORDS.test(a.InterfaceDescription)) return { class: 'virtual', reason: a.InterfaceDescription };
  if (/802\.11|wireless lan/i.test(media)) return { class: 'wifi', reason: `${a.PhysicalMediaType}: ${a.InterfaceDescription}` };
  if (/802\.3/.test(media)) return { class: 'wired', reason: `${a.PhysicalMediaType ?? a.MediaType}: ${a.InterfaceDescription}` };
  return { class: 'virtual', reason: `unrecognised media type "${media.trim()}": ${a.InterfaceDescription}` };
}
