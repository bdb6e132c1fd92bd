import pino, { type Logger } from 'pino';
import { correlationId } from './correlation';

/**
 * A safety net: fields that hold credentials are censored wherever they turn up (a header object
 * logged whole, an error carrying its request). The code logs none on purpose; a test greps the
 * logs for every secret it used.
 */
const SECRET_FIELDS = ['authorization', 'cookie', 'set-cookie', 'password', 'token', 'apiKey', 'api_key', 'secret', 'privateKey'];
const REDACT = SECRET_FIELDS.flatMap((f) => {
	const key = /^[A-Za-z_$][\w$]*$/.test(f) ? f : `["${f}"]`;
	const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
	return [key, join('*'), join('*.headers'), join('*.*.headers')];
});

const CHINDINGS = pino.symbols.chindingsSym as unknown as string;

/**
 * Structured JSON logs on stdout; `err` fields are serialised with their stack and cause. A line
 * written while an item's phase runs carries that item's correlation id, whichever logger wrote it
 * (a child that names it already is left as it is: one key, not two).
 */
export function createLogger(level: string, name = 'cookmark'): Logger {
	return pino({
		name,
		level,
		base: { pid: process.pid },
		timestamp: pino.stdTimeFunctions.isoTime,
		serializers: { err: pino.stdSerializers.errWithCause },
		redact: { paths: REDACT, censor: '[redacted]' },
		mixin(merge, _level, logger) {
			const id = correlationId();
			if (!id || 'correlationId' in merge) return {};
			const bound = (logger as unknown as Record<string, string | undefined>)[CHINDINGS];
			return bound?.includes('"correlationId":') ? {} : { correlationId: id };
		}
	});
}
