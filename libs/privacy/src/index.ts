export { sealField, openField, isSealedField, associatedData, SealBrokenError } from './field-cipher';
export { KeyWrapper, KEY_WRAPPER, LocalMasterKeyWrapper } from './key-wrapper';
export { loadMasterKey, decodeMasterKey } from './master-key';
export {
  SubjectKey, SubjectKeyStore, SUBJECT_KEY_STORE, SubjectErasedError, SqlRunner, PgSubjectKeyStore, InMemorySubjectKeyStore, KEY_VAULT_SCHEMA,
} from './subject-key-store';
export { SubjectCipher } from './subject-cipher';
export {
  RECORD_PARTS, RecordKind, RecordPart, splitRecord, sealRecord, openRecord, sealClosure, openClosure, OpenedChild, OpenedTracingRequest,
} from './record-parts';
export { PrivacyModule } from './privacy.module';
export { ERASED } from './erased';
export {
  CASEWORK_TEXT_FIELDS, commandBinding, caseworkBinding, caseworkSubjectOf, sealCaseworkText, openCaseworkText,
} from './casework-text';
export { subjectIdsOf, prefetchSliceKeys } from './subject-ids';
