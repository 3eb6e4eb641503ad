/**
 * @kinlink/audit-log — tamper-evident audit log primitives (pure; Node `crypto` only).
 * Format and design: docs/audit.md.
 */
export { canonicalJson, canonicalJsonBytes, CanonicalJsonError } from './canonical-json';
export { EMPTY_ROOT, hashLeaf, hashChildren } from './hash';

export type { AuditLeaf, AuditActor, AuditSubject, AuditSubjectType } from './leaf';
export { AuditLeafError, SUBJECT_TYPES, encodeLeaf, decodeLeaf, validateLeaf, leafHash, hashPayload } from './leaf';

export type { NodeId, MerkleNode, ProofPlan } from './merkle';
export {
  MerkleError, merkleRoot, inclusionProof, consistencyProof, verifyInclusion, verifyConsistency,
  inclusionProofPlan, consistencyProofPlan, assembleProof, rangeNodes,
} from './merkle';

export type { AccumulatorState } from './accumulator';
export { MerkleAccumulator } from './accumulator';

export type { MerkleStore } from './store';
export { MemoryMerkleStore, fetchInclusionProof, fetchConsistencyProof, fetchRoot, fetchFrontier } from './store';

export type { SigningKey, VerifierKey } from './keys';
export {
  KeyError, generateSigningKey, toVerifierKey, computeKeyId,
  encodeSigningKey, encodeVerifierKey, parseSigningKey, parseVerifierKey, signingKeyToPem, verifierKeyToPem,
} from './keys';

export type { Checkpoint, CheckpointInput, NoteSignature } from './checkpoint';
export { CheckpointError, signCheckpoint, addCheckpointSignature, parseCheckpoint, verifyCheckpoint } from './checkpoint';

export { chainHash, chainTip, CHAIN_GENESIS } from './chain';

export type {
  ExportInput, ExportHeaderInput, ExportConsistencyProof, ExportVerification, ExportFailureKind, VerifyExportOptions,
} from './export';
export { EXPORT_FORMAT, buildExport, exportHeaderLine, exportLeafLine, exportCheckpointLine, verifyExport } from './export';
