/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injection token of the resolved database URL (DATABASE_URL or the embedded one). */
export const DATABASE_URL = Symbol('DATABASE_URL');
