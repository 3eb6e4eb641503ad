import { Logger, Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_SETTINGS, AuthSettings, loadAuthSettings } from './auth.config';
import { AuthGuard } from './auth.guard';
import { JoseTokenVerifier, TokenVerifier } from './token-verifier';

/**
 * Token verification for the admin API. Needs a global `ConfigService` (kinlinkConfigModule is
 * global). Settings and keys are loaded while the module is created, so a missing or bad key
 * configuration stops the boot.
 *
 * Wiring: import `AuthModule` and add `AUTH_GUARD_PROVIDER` to the root module's providers.
 */
@Module({
  providers: [
    {
      provide: AUTH_SETTINGS,
      inject: [ConfigService],
      useFactory: (config: ConfigService): AuthSettings => loadAuthSettings(config),
    },
    {
      provide: TokenVerifier,
      inject: [AUTH_SETTINGS],
      useFactory: (settings: AuthSettings): TokenVerifier => JoseTokenVerifier.fromSettings(settings, new Logger('Auth')),
    },
    AuthGuard,
  ],
  exports: [AUTH_SETTINGS, TokenVerifier, AuthGuard],
})
export class AuthModule {}

/** Makes `AuthGuard` global: put it in the root module's `providers` next to `imports: [AuthModule]`. */
export const AUTH_GUARD_PROVIDER: Provider = { provide: APP_GUARD, useExisting: AuthGuard };

export { AuthGuard } from './auth.guard';
export { CurrentUser, Public, Roles } from './auth.decorators';
export { TokenVerifier } from './token-verifier';
