/** CTAPHID commands (CTAP 2.1, §11.2.9). */
export enum CtapHidCmd {
  PING = 0x01,
  MSG = 0x03,
  LOCK = 0x04,
  INIT = 0x06,
  WINK = 0x08,
  CBOR = 0x10,
  CANCEL = 0x11,
  KEEPALIVE = 0x3b,
  ERROR = 0x3f,
}

/** CTAPHID_ERROR codes (§11.2.9.1.6). */
export enum CtapHidErrorCode {
  INVALID_CMD = 0x01,
  INVALID_PAR = 0x02,
  INVALID_LEN = 0x03,
  INVALID_SEQ = 0x04,
  MSG_TIMEOUT = 0x05,
  CHANNEL_BUSY = 0x06,
  LOCK_REQUIRED = 0x0a,
  INVALID_CHANNEL = 0x0b,
  OTHER = 0x7f,
}

/** CTAPHID_KEEPALIVE status (§11.2.9.2.1). */
export enum KeepaliveStatus {
  PROCESSING = 1,
  UPNEEDED = 2,
}

/** Capability flags in the INIT response. */
export enum Capability {
  WINK = 0x01,
  CBOR = 0x04,
  NMSG = 0x08,
}

export const BROADCAST_CID = 0xffffffff;
export const TYPE_INIT = 0x80;
export const INIT_DATA_SIZE = 64 - 7;
export const CONT_DATA_SIZE = 64 - 5;
/** One init packet and 128 continuation packets (sequence 0..127). */
export const MAX_MESSAGE_SIZE = INIT_DATA_SIZE + 128 * CONT_DATA_SIZE;
export const INIT_NONCE_SIZE = 8;
