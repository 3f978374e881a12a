// Network path proofs: the interfaces and their classes, the probe, and the proofs on record.
export { listNetworkInterfaces, overrideClassification, type ClassifiedInterface, type DiscoveredInterface } from './interfaces';
export { parseTarget, type ProofOptions } from './proof-input';
export { proveNetworkPaths, type NetworkProof, type PathProof, type ProofProgress } from './prove';
export { lastProofPerSite, type RecordedProof } from './proofs';
