/** Which site a ledger belongs to: its creation entry's hash (unique, fixed forever) and the name the site gave itself. */
export interface Site {
  readonly id: string;
  readonly name: string;
}

/** A checkpoint as the ledger records it: the head before it, signed by two custodians. */
export interface Checkpoint {
  readonly number: number;
  readonly seq: number;
  readonly hash: string;
  readonly recordedAt: string;
  readonly headHash: string;
  readonly entries: number;
  readonly site: Site;
  readonly custodian: string;
  readonly witness: string;
  readonly drill: boolean;
  /** The SHA-256 of an audit bundle's manifest, when the checkpoint closes one. */
  readonly manifest?: string;
}
