import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { encodeVerifierKey, signCheckpoint, SigningKey, toVerifierKey, VerifierKey } from '@kinlink/audit-log';
import { loadSigningKey } from './signing-key';

/** The log's identity: origin, signing key (loaded once at boot) and checkpoint policy. */
@Injectable()
export class AuditSigner {
  readonly origin: string;
  readonly checkpointEvery: number;
  readonly checkpointSeconds: number;
  private readonly key: SigningKey;
  readonly verifier: VerifierKey;
  /** `<name>+<id>+<base64>`: what agencies and auditors pin */
  readonly verifierKeyText: string;

  constructor(config: ConfigService) {
    this.origin = config.get<string>('AUDIT_LOG_ORIGIN') ?? `kinlink.audit/${config.getOrThrow<string>('TOPIC_PREFIX')}`;
    this.checkpointEvery = config.getOrThrow<number>('AUDIT_CHECKPOINT_EVERY');
    this.checkpointSeconds = config.getOrThrow<number>('AUDIT_CHECKPOINT_SECONDS');
    this.key = loadSigningKey({
      file: config.get<string>('AUDIT_SIGNING_KEY_FILE'),
      origin: this.origin,
      nodeEnv: config.get<string>('NODE_ENV'),
    });
    this.verifier = toVerifierKey(this.key);
    this.verifierKeyText = encodeVerifierKey(this.verifier);
  }

  get keyId(): string {
    return this.key.keyId.toString('hex');
  }

  sign(treeSize: number, rootHash: Uint8Array, timestamp: Date): string {
    return signCheckpoint({ origin: this.origin, treeSize, rootHash, timestamp }, this.key);
  }
}
