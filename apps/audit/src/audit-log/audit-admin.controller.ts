import { BadRequestException, Body, Controller, Get, Header, HttpCode, NotFoundException, Post, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditIntegrity } from './audit-integrity';
import { AuditSigner } from './audit-signer';
import { Checkpointer } from './checkpointer';
import { exportRange } from './export-range';
import { readHead } from './merkle-store';
import { AuditSelfCheck } from './self-check';

const SIZE = /^(0|[1-9][0-9]{0,15})$/;

function size(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!SIZE.test(value)) throw new BadRequestException(`${name} must be a non-negative integer`);
  return Number(value);
}

/**
 * Operator endpoints on the audit service's own port (bound to 127.0.0.1, like every service's
 * health port): the self-check on demand, the log's state and key, a raw export. Auditors use the
 * admin API instead.
 */
@Controller()
export class AuditAdminController {
  constructor(
    private readonly selfCheck: AuditSelfCheck,
    private readonly signer: AuditSigner,
    private readonly integrity: AuditIntegrity,
    private readonly checkpoints: Checkpointer,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Recomputes the whole log and compares it with its checkpoints. */
  @Get('self-check')
  runSelfCheck() {
    return this.selfCheck.run();
  }

  /** The same, also against checkpoints held outside the log (witness copies): `{ "checkpoints": ["<note>", …] }`. */
  @Post('self-check')
  @HttpCode(200)
  runSelfCheckWith(@Body() body: { checkpoints?: unknown }) {
    const given = body?.checkpoints ?? [];
    if (!Array.isArray(given) || !given.every((c) => typeof c === 'string') || given.length > 1000) {
      throw new BadRequestException('checkpoints must be an array of signed checkpoint notes');
    }
    return this.selfCheck.run({ trustedCheckpoints: given as string[] });
  }

  @Get('state')
  async state() {
    const head = await readHead(this.db);
    const [latest]: Array<{ tree_size: string; note: string }> =
      await this.db.query('SELECT tree_size, note FROM audit.checkpoint ORDER BY tree_size DESC LIMIT 1');
    return {
      origin: this.signer.origin, publicKey: this.signer.verifierKeyText, size: head.size,
      latestCheckpoint: latest ? { treeSize: Number(latest.tree_size), checkpoint: latest.note } : null,
      signingHalted: this.integrity.halted ?? null, lastSelfCheck: this.integrity.lastSelfCheck ?? null,
    };
  }

  /** Signs a checkpoint now if the tree grew since the last one. */
  @Post('checkpoints')
  @HttpCode(200)
  async cut() {
    return { signedAt: (await this.checkpoints.tick()) ?? null };
  }

  @Get('public-key')
  @Header('content-type', 'text/plain; charset=utf-8')
  publicKey() {
    return `${this.signer.verifierKeyText}\n`;
  }

  @Get('export')
  async export(@Query('from') from: string | undefined, @Query('to') to: string | undefined, @Res() res: Response) {
    const options = { from: size(from, 'from'), to: size(to, 'to') };
    const lines = exportRange(this.db, options);
    let first: IteratorResult<string>;
    try {
      first = await lines.next();
    } catch (e) {
      if (e instanceof RangeError) throw new NotFoundException(e.message);
      throw e;
    }
    res.status(200).type('application/x-ndjson');
    if (!first.done) res.write(first.value);
    for await (const chunk of lines) res.write(chunk);
    res.end();
  }
}
