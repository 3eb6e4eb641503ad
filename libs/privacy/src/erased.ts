/** What a view shows in place of data whose subject key was destroyed. */
export const ERASED = '[erased]';
